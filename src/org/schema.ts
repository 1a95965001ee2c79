// Organisation units: the party tree, the state tree and outside issuers, as a forest.
// Each unit stores its materialised path ("/1/5/23/", COLLATE "C") so a subtree is one indexed
// prefix scan (path LIKE '/1/5/%'), never a recursive query.
import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, serial, text, timestamp, uniqueIndex, type AnyPgColumn } from 'drizzle-orm/pg-core';

export const UNIT_TREES = ['party', 'state', 'external'] as const;
export type UnitTree = (typeof UNIT_TREES)[number];

/** Kinds of unit, grouped by the tree they may stand in. No kind fixes a depth. */
export const UNIT_KINDS = {
  party: [
    'party_province', // đảng bộ tỉnh / tỉnh ủy
    'party_district', // đảng bộ huyện, thành phố / huyện ủy, thành ủy
    'party_grassroots', // đảng bộ cơ sở: xã, phường, cơ quan, trường học
    'party_subcommittee', // đảng bộ bộ phận
    'cell', // chi bộ (trực thuộc hoặc cơ sở)
    'party_board', // ban, văn phòng của cấp ủy (Ban Tổ chức, Ban Tuyên giáo…)
  ],
  state: [
    'people_committee', // UBND tỉnh / huyện / xã
    'department', // sở
    'agency', // ban, ngành, công an, đài, báo…
    'front', // Mặt trận Tổ quốc, đoàn thể
  ],
  external: ['external_issuer'], // outside issuers: Văn phòng Chính phủ, Bộ Y tế, tỉnh khác…
} as const satisfies Record<UnitTree, readonly string[]>;
export type UnitKind = (typeof UNIT_KINDS)[UnitTree][number];
export const ALL_UNIT_KINDS = Object.values(UNIT_KINDS).flat() as UnitKind[];

export const units = pgTable(
  'units',
  {
    id: serial('id').primaryKey(),
    tree: text('tree', { enum: UNIT_TREES }).notNull(),
    kind: text('kind').$type<UnitKind>().notNull(),
    parentId: integer('parent_id').references((): AnyPgColumn => units.id),
    path: text('path').notNull(),
    depth: integer('depth').notNull(),
    name: text('name').notNull(),
    shortName: text('short_name'),
    code: text('code'),
    nameFold: text('name_fold').notNull(),
    status: text('status', { enum: ['active', 'closed'] }).notNull().default('active'),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    mergedIntoId: integer('merged_into_id').references((): AnyPgColumn => units.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('units_path_key').on(t.path),
    index('units_parent_idx').on(t.parentId),
    uniqueIndex('units_code_key').on(t.code),
    index('units_name_fold_trgm_idx').using('gin', t.nameFold.op('gin_trgm_ops')),
    check('units_closed_has_date', sql`(${t.status} = 'active') = (${t.closedAt} is null)`),
  ],
);

export type Unit = typeof units.$inferSelect;
