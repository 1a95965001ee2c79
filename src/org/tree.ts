// The organisation forest: create, rename, move, close and merge units. Every write runs in
// one transaction with its audit entry; subtree reads are one prefix scan on the path.
import { and, asc, eq, inArray, isNull, like, sql } from 'drizzle-orm';
import type { Db } from '../core/db/client.ts';
import { units, UNIT_KINDS, type Unit, type UnitKind, type UnitTree } from './schema.ts';
import { members, memberEvents } from '../people/schema.ts';
import { roleAssignments } from '../core/auth/schema.ts';
import { audit, type ActingContext } from '../core/audit/audit.ts';
import { conflict, invalid, notFound } from '../core/errors.ts';
import { foldVietnamese } from '../core/text/vietnamese.ts';

export const subtreePattern = (path: string) => `${path}%`;
/** SQL condition: the unit column `col` lies in the subtree rooted at `path` (itself included). */
export const inSubtree = (path: string) => like(units.path, subtreePattern(path));

export function treeOfKind(kind: UnitKind): UnitTree {
  for (const [tree, kinds] of Object.entries(UNIT_KINDS)) if ((kinds as readonly string[]).includes(kind)) return tree as UnitTree;
  throw invalid(`Loại đơn vị không hợp lệ: ${kind}`);
}

export async function getUnit(db: Db, id: number): Promise<Unit> {
  const [u] = await db.select().from(units).where(eq(units.id, id));
  if (!u) throw notFound('đơn vị');
  return u;
}

export async function findUnit(db: Db, id: number): Promise<Unit | undefined> {
  const [u] = await db.select().from(units).where(eq(units.id, id));
  return u;
}

/** Ids in a path, root first: "/1/5/23/" → [1, 5, 23]. */
export function pathIds(path: string): number[] {
  return path.split('/').filter(Boolean).map(Number);
}

export async function ancestors(db: Db, unit: Unit): Promise<Unit[]> {
  const ids = pathIds(unit.path).slice(0, -1);
  if (ids.length === 0) return [];
  const rows = await db.select().from(units).where(inArray(units.id, ids));
  return ids.map((id) => rows.find((r) => r.id === id)!).filter(Boolean);
}

export async function children(db: Db, unitId: number, opts: { includeClosed?: boolean } = {}): Promise<Unit[]> {
  return db
    .select()
    .from(units)
    .where(and(eq(units.parentId, unitId), opts.includeClosed ? undefined : eq(units.status, 'active')))
    .orderBy(asc(units.name));
}

export async function roots(db: Db): Promise<Unit[]> {
  const treeOrder = sql`case ${units.tree} when 'party' then 0 when 'state' then 1 else 2 end`;
  return db.select().from(units).where(isNull(units.parentId)).orderBy(treeOrder, asc(units.name));
}

export async function subtree(db: Db, path: string, opts: { includeClosed?: boolean; kind?: UnitKind } = {}): Promise<Unit[]> {
  return db
    .select()
    .from(units)
    .where(and(inSubtree(path), opts.includeClosed ? undefined : eq(units.status, 'active'), opts.kind ? eq(units.kind, opts.kind) : undefined))
    .orderBy(asc(units.path));
}

export type NewUnit = { parentId: number | null; kind: UnitKind; name: string; shortName?: string | null; code?: string | null; tree?: UnitTree };

function cleanName(name: string): string {
  const n = name.normalize('NFC').replace(/\s+/g, ' ').trim();
  if (n.length < 2) throw invalid('Tên đơn vị phải có ít nhất 2 ký tự.');
  if (n.length > 200) throw invalid('Tên đơn vị dài quá 200 ký tự.');
  return n;
}

/** Creates a unit under `parentId` (or a new root). Runs inside the caller's transaction. */
export async function createUnit(tx: Db, who: ActingContext, input: NewUnit): Promise<Unit> {
  const tree = treeOfKind(input.kind);
  if (input.tree && input.tree !== tree) throw invalid('Loại đơn vị không thuộc cây đã chọn.');
  const name = cleanName(input.name);
  let parent: Unit | undefined;
  if (input.parentId != null) {
    parent = await findUnit(tx, input.parentId);
    if (!parent) throw notFound('đơn vị cấp trên');
    if (parent.status !== 'active') throw invalid('Không thể tạo đơn vị dưới một đơn vị đã đóng.');
    if (parent.tree !== tree) throw invalid('Đơn vị phải cùng cây tổ chức với đơn vị cấp trên (Đảng hoặc chính quyền).');
    if (parent.kind === 'cell') throw invalid('Chi bộ không có đơn vị trực thuộc.');
  }
  if (input.code) {
    const [dup] = await tx.select({ id: units.id }).from(units).where(eq(units.code, input.code));
    if (dup) throw conflict(`Mã đơn vị "${input.code}" đã được dùng.`);
  }
  const [row] = await tx
    .insert(units)
    .values({
      tree,
      kind: input.kind,
      parentId: parent?.id ?? null,
      path: `/tmp-${Math.random().toString(36).slice(2)}/`,
      depth: parent ? parent.depth + 1 : 0,
      name,
      shortName: input.shortName?.trim() || null,
      code: input.code?.trim() || null,
      nameFold: foldVietnamese(name),
    })
    .returning();
  const path = `${parent ? parent.path : '/'}${row!.id}/`;
  const [unit] = await tx.update(units).set({ path }).where(eq(units.id, row!.id)).returning();
  await audit(tx, who, { action: 'unit.create', entityType: 'unit', entityId: unit!.id, unitId: unit!.id, after: unit });
  return unit!;
}

export async function renameUnit(tx: Db, who: ActingContext, unitId: number, input: { name: string; shortName?: string | null }): Promise<Unit> {
  const before = await getUnit(tx, unitId);
  const name = cleanName(input.name);
  const [after] = await tx
    .update(units)
    .set({ name, nameFold: foldVietnamese(name), shortName: input.shortName === undefined ? before.shortName : input.shortName?.trim() || null, updatedAt: new Date() })
    .where(eq(units.id, unitId))
    .returning();
  await audit(tx, who, { action: 'unit.rename', entityType: 'unit', entityId: unitId, unitId, before: { name: before.name, shortName: before.shortName }, after: { name: after!.name, shortName: after!.shortName } });
  return after!;
}

/** Re-roots every path under `unit` at `newParentPath` in one statement. */
async function rewriteSubtreePaths(tx: Db, unit: Unit, newParent: Unit): Promise<void> {
  const newPath = `${newParent.path}${unit.id}/`;
  const depthDelta = newParent.depth + 1 - unit.depth;
  await tx
    .update(units)
    .set({
      path: sql`${newPath} || substr(${units.path}, ${unit.path.length + 1})`,
      depth: sql`${units.depth} + ${depthDelta}`,
      updatedAt: new Date(),
    })
    .where(like(units.path, subtreePattern(unit.path)));
  await tx.update(units).set({ parentId: newParent.id }).where(eq(units.id, unit.id));
}

/**
 * Moves and merges of one database run one at a time (a transaction-scoped advisory lock), so
 * two concurrent moves can never make a cycle. PGlite serialises everything anyway.
 */
async function lockRestructuring(tx: Db): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(7512002)`);
}

/** Moves a unit with its whole subtree under a new parent of the same tree. */
export async function moveUnit(tx: Db, who: ActingContext, unitId: number, newParentId: number): Promise<Unit> {
  await lockRestructuring(tx);
  const unit = await getUnit(tx, unitId);
  const newParent = await findUnit(tx, newParentId);
  if (!newParent) throw notFound('đơn vị cấp trên mới');
  if (newParent.tree !== unit.tree) throw invalid('Không thể chuyển đơn vị sang cây tổ chức khác (Đảng ↔ chính quyền).');
  if (newParent.path.startsWith(unit.path)) throw invalid('Không thể chuyển đơn vị vào chính nó hoặc đơn vị trực thuộc của nó.');
  if (newParent.status !== 'active') throw invalid('Đơn vị cấp trên mới đã đóng.');
  if (newParent.kind === 'cell') throw invalid('Chi bộ không có đơn vị trực thuộc.');
  if (unit.parentId === newParent.id) return unit;
  await rewriteSubtreePaths(tx, unit, newParent);
  const after = await getUnit(tx, unitId);
  await audit(tx, who, { action: 'unit.move', entityType: 'unit', entityId: unitId, unitId, before: { parentId: unit.parentId, path: unit.path }, after: { parentId: after.parentId, path: after.path } });
  return after;
}

async function activeMemberCount(tx: Db, unitId: number): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(members)
    .where(and(eq(members.unitId, unitId), inArray(members.status, ['active', 'temporarily_transferred', 'suspended'])));
  return Number(row?.n ?? 0);
}

/** Closes a unit that has no active sub-units and no members left (move or merge them first). */
export async function closeUnit(tx: Db, who: ActingContext, unitId: number): Promise<Unit> {
  const unit = await getUnit(tx, unitId);
  if (unit.status === 'closed') throw invalid('Đơn vị đã đóng.');
  const kids = await children(tx, unitId);
  if (kids.length > 0) throw invalid(`Đơn vị còn ${kids.length} đơn vị trực thuộc đang hoạt động: hãy chuyển hoặc hợp nhất trước khi đóng.`);
  const n = await activeMemberCount(tx, unitId);
  if (n > 0) throw invalid(`Đơn vị còn ${n} đảng viên: hãy chuyển sinh hoạt hoặc hợp nhất trước khi đóng.`);
  const [after] = await tx.update(units).set({ status: 'closed', closedAt: new Date(), updatedAt: new Date() }).where(eq(units.id, unitId)).returning();
  await tx.update(roleAssignments).set({ revokedAt: new Date() }).where(and(eq(roleAssignments.unitId, unitId), isNull(roleAssignments.revokedAt)));
  await audit(tx, who, { action: 'unit.close', entityType: 'unit', entityId: unitId, unitId, before: { status: unit.status }, after: { status: after!.status } });
  return after!;
}

/**
 * Merges units into a target (the 2025 mergers of communes and districts). The old units are
 * closed, not deleted: their active sub-units and members move to the target, and each old
 * unit itself is placed, closed, under the target, so its documents and records stay
 * findable in the target's subtree.
 */
export async function mergeUnits(tx: Db, who: ActingContext, sourceIds: number[], targetId: number, effectiveOn: string): Promise<Unit> {
  await lockRestructuring(tx);
  const target = await getUnit(tx, targetId);
  if (target.status !== 'active') throw invalid('Đơn vị nhận hợp nhất đã đóng.');
  const unique = [...new Set(sourceIds)].filter((id) => id !== targetId);
  if (unique.length === 0) throw invalid('Hãy chọn ít nhất một đơn vị khác để hợp nhất vào.');
  for (const sourceId of unique) {
    const source = await getUnit(tx, sourceId);
    if (source.status !== 'active') throw invalid(`Đơn vị "${source.name}" đã đóng.`);
    if (source.tree !== target.tree) throw invalid('Chỉ hợp nhất các đơn vị cùng cây tổ chức.');
    if (target.path.startsWith(source.path)) throw invalid(`Không thể hợp nhất "${source.name}" vào đơn vị trực thuộc của chính nó.`);
    if ((source.kind === 'cell') !== (target.kind === 'cell')) throw invalid('Chỉ hợp nhất chi bộ với chi bộ, tổ chức đảng với tổ chức đảng.');
    // Sub-units move under the target.
    for (const child of await children(tx, source.id)) await rewriteSubtreePaths(tx, child, await getUnit(tx, target.id));
    // Members registered (or temporarily attending) in the old unit move to the target.
    const moved = await tx
      .update(members)
      .set({ unitId: target.id, updatedAt: new Date() })
      .where(eq(members.unitId, source.id))
      .returning({ personId: members.personId });
    // Members of the old unit who were attending the target on a temporary transfer are now simply at home there.
    await tx.update(members).set({ temporaryUnitId: null, status: 'active' }).where(and(eq(members.unitId, target.id), eq(members.temporaryUnitId, target.id)));
    // Members from elsewhere attending the old unit now attend the target.
    const attending = await tx.update(members).set({ temporaryUnitId: target.id }).where(eq(members.temporaryUnitId, source.id)).returning({ personId: members.personId });
    if (attending.length > 0) {
      await tx.insert(memberEvents).values(
        attending.map((m) => ({ personId: m.personId, kind: 'unit_merged' as const, fromUnitId: source.id, toUnitId: target.id, effectiveOn, recordedBy: who.accountId, note: `Sinh hoạt tạm thời: ${source.name} hợp nhất vào ${target.name}` })),
      );
    }
    if (moved.length > 0) {
      await tx.insert(memberEvents).values(
        moved.map((m) => ({ personId: m.personId, kind: 'unit_merged' as const, fromUnitId: source.id, toUnitId: target.id, effectiveOn, recordedBy: who.accountId, note: `Hợp nhất ${source.name} vào ${target.name}` })),
      );
    }
    await tx.update(roleAssignments).set({ revokedAt: new Date() }).where(and(eq(roleAssignments.unitId, source.id), isNull(roleAssignments.revokedAt)));
    await tx.update(units).set({ status: 'closed', closedAt: new Date(), mergedIntoId: target.id, updatedAt: new Date() }).where(eq(units.id, source.id));
    await rewriteSubtreePaths(tx, await getUnit(tx, source.id), await getUnit(tx, target.id));
    await audit(tx, who, { action: 'unit.merge', entityType: 'unit', entityId: source.id, unitId: target.id, before: { id: source.id, name: source.name, path: source.path }, after: { mergedIntoId: target.id, membersMoved: moved.length, effectiveOn } });
  }
  return getUnit(tx, target.id);
}

/** Units in `path`'s subtree (the root excluded) whose name matches, for pickers. */
export async function searchUnits(db: Db, path: string | null, q: string, limit = 30): Promise<Unit[]> {
  const fold = foldVietnamese(q);
  return db
    .select()
    .from(units)
    .where(and(path ? inSubtree(path) : undefined, fold ? like(units.nameFold, `%${fold.replace(/[%_\\]/g, '\\$&')}%`) : undefined, eq(units.status, 'active')))
    .orderBy(asc(units.depth), asc(units.name))
    .limit(limit);
}

export const isCell = (u: Pick<Unit, 'kind'>) => u.kind === 'cell';
