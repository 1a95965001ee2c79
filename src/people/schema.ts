// People and their party member records. Nothing here is ever deleted: a member who leaves,
// transfers out or dies keeps a record with a status, and every change has an event.
import { sql } from 'drizzle-orm';
import { bigserial, boolean, check, date, index, integer, jsonb, pgTable, serial, text, timestamp, uniqueIndex, customType } from 'drizzle-orm/pg-core';
import { units } from '../org/schema.ts';

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
});

export const GENDERS = ['male', 'female'] as const;
export const PHONE_KINDS = ['smartphone', 'basic', 'none'] as const;
export type PhoneKind = (typeof PHONE_KINDS)[number];

export const people = pgTable(
  'people',
  {
    id: serial('id').primaryKey(),
    fullName: text('full_name').notNull(),
    /** Byte-ordered key: given name, then family and middle names, as Intl.Collator('vi') orders them. */
    sortKey: text('sort_key').notNull(),
    nameFold: text('name_fold').notNull(),
    birthDate: date('birth_date'),
    gender: text('gender', { enum: GENDERS }),
    phone: text('phone'),
    email: text('email'),
    phoneKind: text('phone_kind', { enum: PHONE_KINDS }).notNull().default('smartphone'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('people_sort_key_idx').on(t.sortKey),
    index('people_phone_idx').on(t.phone),
    index('people_name_fold_trgm_idx').using('gin', t.nameFold.op('gin_trgm_ops')),
  ],
);

export const MEMBER_STANDINGS = ['official', 'probationary'] as const; // chính thức, dự bị
export type MemberStanding = (typeof MEMBER_STANDINGS)[number];
export const MEMBER_STATUSES = ['active', 'temporarily_transferred', 'suspended', 'transferred_out', 'deceased'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

export const members = pgTable(
  'members',
  {
    personId: integer('person_id').primaryKey().references(() => people.id),
    cardNumber: text('card_number'),
    /** The cell where the member is officially registered (sinh hoạt chính thức). */
    unitId: integer('unit_id').notNull().references(() => units.id),
    /** While temporarily transferred: the cell the member attends for now. */
    temporaryUnitId: integer('temporary_unit_id').references(() => units.id),
    position: text('position'),
    standing: text('standing', { enum: MEMBER_STANDINGS }).notNull(),
    joinedOn: date('joined_on'),
    officialOn: date('official_on'),
    exempt: boolean('exempt').notNull().default(false),
    status: text('status', { enum: MEMBER_STATUSES }).notNull().default('active'),
    statusSince: date('status_since'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('members_card_number_key').on(t.cardNumber),
    index('members_unit_idx').on(t.unitId),
    index('members_temporary_unit_idx').on(t.temporaryUnitId),
    check('members_temporary_unit_only_when_transferred', sql`(${t.temporaryUnitId} is null) or (${t.status} = 'temporarily_transferred')`),
  ],
);

export const MEMBER_EVENT_KINDS = [
  'created',
  'imported',
  'became_official',
  'transferred',
  'temporary_transfer',
  'temporary_return',
  'exempted',
  'exemption_ended',
  'suspended',
  'reinstated',
  'transferred_out',
  'deceased',
  'unit_merged',
  'record_updated',
] as const;
export type MemberEventKind = (typeof MEMBER_EVENT_KINDS)[number];

export const memberEvents = pgTable(
  'member_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    personId: integer('person_id').notNull().references(() => people.id),
    kind: text('kind', { enum: MEMBER_EVENT_KINDS }).notNull(),
    fromUnitId: integer('from_unit_id').references(() => units.id),
    toUnitId: integer('to_unit_id').references(() => units.id),
    effectiveOn: date('effective_on').notNull(),
    note: text('note'),
    recordedBy: integer('recorded_by'),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('member_events_person_idx').on(t.personId, t.effectiveOn)],
);

/** An uploaded member list waiting to be previewed and imported (kept so a job can resume). */
export const memberImports = pgTable('member_imports', {
  id: serial('id').primaryKey(),
  unitId: integer('unit_id').notNull().references(() => units.id),
  createdBy: integer('created_by').notNull(),
  fileName: text('file_name').notNull(),
  content: bytea('content').notNull(),
  status: text('status', { enum: ['previewed', 'queued', 'running', 'done', 'failed'] }).notNull().default('previewed'),
  onlyValidRows: boolean('only_valid_rows').notNull().default(false),
  totalRows: integer('total_rows').notNull().default(0),
  validRows: integer('valid_rows').notNull().default(0),
  importedRows: integer('imported_rows').notNull().default(0),
  report: jsonb('report'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
});

export type Person = typeof people.$inferSelect;
export type Member = typeof members.$inferSelect;
