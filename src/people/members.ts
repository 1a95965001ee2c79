// Member records: create, update, transfer between cells (official or temporary), status
// changes (exempt, suspended, transferred out, deceased). History is kept as events; nothing
// is deleted.
import { and, asc, eq, inArray, like, ne, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../core/db/client.ts';
import { audit, type ActingContext } from '../core/audit/audit.ts';
import { conflict, invalid, notFound } from '../core/errors.ts';
import { foldVietnamese, nameSortKey } from '../core/text/vietnamese.ts';
import { todayIso } from '../core/i18n/i18n.ts';
import { units } from '../org/schema.ts';
import { getUnit } from '../org/tree.ts';
import { memberEvents, members, people, type MemberStatus, type Person, type Member } from './schema.ts';
import type { MemberInput } from './validation.ts';
import { endRolesOfPerson } from '../core/auth/accounts.ts';

const tempUnits = alias(units, 'temp_units');

export function personValues(input: Pick<MemberInput, 'fullName' | 'birthDate' | 'gender' | 'phone' | 'email' | 'phoneKind'>) {
  return {
    fullName: input.fullName,
    sortKey: nameSortKey(input.fullName),
    nameFold: foldVietnamese(input.fullName),
    birthDate: input.birthDate,
    gender: input.gender,
    phone: input.phone,
    email: input.email,
    phoneKind: input.phoneKind,
  };
}

export async function createPerson(tx: Db, who: ActingContext, input: Pick<MemberInput, 'fullName' | 'birthDate' | 'gender' | 'phone' | 'email' | 'phoneKind'>): Promise<Person> {
  const [p] = await tx.insert(people).values(personValues(input)).returning();
  await audit(tx, who, { action: 'person.create', entityType: 'person', entityId: p!.id, after: { fullName: p!.fullName } });
  return p!;
}

async function assertCell(tx: Db, unitId: number) {
  const unit = await getUnit(tx, unitId);
  if (unit.kind !== 'cell') throw invalid('Đảng viên phải sinh hoạt ở một chi bộ.');
  if (unit.status !== 'active') throw invalid('Chi bộ này đã đóng.');
  return unit;
}

async function assertCardFree(tx: Db, cardNumber: string | null, exceptPersonId?: number) {
  if (!cardNumber) return;
  const [dup] = await tx
    .select({ personId: members.personId })
    .from(members)
    .where(and(eq(members.cardNumber, cardNumber), exceptPersonId ? ne(members.personId, exceptPersonId) : undefined));
  if (dup) throw conflict(`Số thẻ đảng viên ${cardNumber} đã có trong hệ thống.`);
}

export async function createMember(tx: Db, who: ActingContext, input: MemberInput & { unitId: number }, opts: { event?: 'created' | 'imported' } = {}): Promise<Member> {
  const unit = await assertCell(tx, input.unitId);
  await assertCardFree(tx, input.cardNumber);
  const person = await createPerson(tx, who, input);
  const [m] = await tx
    .insert(members)
    .values({
      personId: person.id,
      cardNumber: input.cardNumber,
      unitId: unit.id,
      position: input.position,
      standing: input.standing,
      joinedOn: input.joinedOn,
      officialOn: input.officialOn,
      exempt: input.exempt,
      status: 'active',
      statusSince: todayIso(),
    })
    .returning();
  await tx.insert(memberEvents).values({ personId: person.id, kind: opts.event ?? 'created', toUnitId: unit.id, effectiveOn: todayIso(), recordedBy: who.accountId });
  await audit(tx, who, { action: 'member.create', entityType: 'member', entityId: person.id, unitId: unit.id, after: { ...m, fullName: person.fullName } });
  return m!;
}

export async function updateMember(tx: Db, who: ActingContext, personId: number, input: MemberInput): Promise<void> {
  const record = await getMemberRecord(tx, personId);
  await assertCardFree(tx, input.cardNumber, personId);
  const before = { ...record.person, ...record.member };
  await tx.update(people).set({ ...personValues(input), updatedAt: new Date() }).where(eq(people.id, personId));
  const becameOfficial = record.member.standing === 'probationary' && input.standing === 'official';
  await tx
    .update(members)
    .set({ cardNumber: input.cardNumber, position: input.position, standing: input.standing, joinedOn: input.joinedOn, officialOn: input.officialOn, exempt: input.exempt, updatedAt: new Date() })
    .where(eq(members.personId, personId));
  if (becameOfficial) await tx.insert(memberEvents).values({ personId, kind: 'became_official', effectiveOn: input.officialOn ?? todayIso(), recordedBy: who.accountId });
  if (record.member.exempt !== input.exempt)
    await tx.insert(memberEvents).values({ personId, kind: input.exempt ? 'exempted' : 'exemption_ended', effectiveOn: todayIso(), recordedBy: who.accountId });
  await audit(tx, who, { action: 'member.update', entityType: 'member', entityId: personId, unitId: record.member.unitId, before, after: input });
}

export type TransferInput = { toUnitId: number; temporary: boolean; effectiveOn: string; note?: string | null };

/** Chuyển sinh hoạt đảng: official (the member's cell changes) or temporary (attends another cell for a while). */
export async function transferMember(tx: Db, who: ActingContext, personId: number, input: TransferInput): Promise<void> {
  const record = await getMemberRecord(tx, personId);
  const m = record.member;
  if (m.status === 'transferred_out' || m.status === 'deceased') throw invalid('Không thể chuyển sinh hoạt cho đảng viên đã chuyển đi hoặc đã từ trần.');
  const target = await assertCell(tx, input.toUnitId);
  if (target.id === m.unitId) throw invalid('Chi bộ chuyển đến trùng với chi bộ hiện tại.');
  if (input.temporary) {
    await tx.update(members).set({ status: 'temporarily_transferred', temporaryUnitId: target.id, statusSince: input.effectiveOn, updatedAt: new Date() }).where(eq(members.personId, personId));
  } else {
    await tx.update(members).set({ unitId: target.id, temporaryUnitId: null, status: m.status === 'temporarily_transferred' ? 'active' : m.status, updatedAt: new Date() }).where(eq(members.personId, personId));
  }
  await tx.insert(memberEvents).values({ personId, kind: input.temporary ? 'temporary_transfer' : 'transferred', fromUnitId: m.unitId, toUnitId: target.id, effectiveOn: input.effectiveOn, note: input.note ?? null, recordedBy: who.accountId });
  // A secretary who leaves the cell (for good) is no longer its secretary.
  if (!input.temporary) await endRolesOfPerson(tx, who, personId, { unitId: m.unitId, roles: ['cell_secretary', 'cell_deputy'] });
  await audit(tx, who, { action: 'member.transfer', entityType: 'member', entityId: personId, unitId: target.id, before: { unitId: m.unitId, temporaryUnitId: m.temporaryUnitId }, after: { toUnitId: target.id, temporary: input.temporary, effectiveOn: input.effectiveOn } });
}

export const STATUS_CHANGES = ['return_from_temporary', 'suspend', 'reinstate', 'transfer_out', 'deceased'] as const;
export type StatusChange = (typeof STATUS_CHANGES)[number];

export async function changeMemberStatus(tx: Db, who: ActingContext, personId: number, change: StatusChange, effectiveOn: string, note?: string | null): Promise<void> {
  const { member: m } = await getMemberRecord(tx, personId);
  const allowed: Record<StatusChange, MemberStatus[]> = {
    return_from_temporary: ['temporarily_transferred'],
    suspend: ['active', 'temporarily_transferred'],
    reinstate: ['suspended'],
    transfer_out: ['active', 'temporarily_transferred', 'suspended'],
    deceased: ['active', 'temporarily_transferred', 'suspended', 'transferred_out'],
  };
  if (!allowed[change].includes(m.status)) throw invalid('Thay đổi này không áp dụng được với tình trạng hiện tại của đảng viên.');
  const next: Record<StatusChange, MemberStatus> = { return_from_temporary: 'active', suspend: 'suspended', reinstate: 'active', transfer_out: 'transferred_out', deceased: 'deceased' };
  const eventKind = { return_from_temporary: 'temporary_return', suspend: 'suspended', reinstate: 'reinstated', transfer_out: 'transferred_out', deceased: 'deceased' } as const;
  await tx.update(members).set({ status: next[change], statusSince: effectiveOn, temporaryUnitId: null, updatedAt: new Date() }).where(eq(members.personId, personId));
  await tx.insert(memberEvents).values({ personId, kind: eventKind[change], fromUnitId: m.temporaryUnitId ?? m.unitId, effectiveOn, note: note ?? null, recordedBy: who.accountId });
  // Suspended, transferred out or deceased: party roles end; a deceased member's account closes.
  if (change === 'suspend' || change === 'transfer_out' || change === 'deceased') await endRolesOfPerson(tx, who, personId, { tree: 'party' }, { disable: change === 'deceased' });
  if (change === 'return_from_temporary' && m.temporaryUnitId) await endRolesOfPerson(tx, who, personId, { unitId: m.temporaryUnitId, roles: ['cell_secretary', 'cell_deputy'] });
  await audit(tx, who, { action: 'member.status_change', entityType: 'member', entityId: personId, unitId: m.unitId, before: { status: m.status }, after: { status: next[change], effectiveOn, note } });
}

export async function getMemberRecord(db: Db, personId: number) {
  const [row] = await db
    .select({ person: people, member: members, unitName: units.name, unitPath: units.path, temporaryUnitName: tempUnits.name })
    .from(members)
    .innerJoin(people, eq(people.id, members.personId))
    .innerJoin(units, eq(units.id, members.unitId))
    .leftJoin(tempUnits, eq(tempUnits.id, members.temporaryUnitId))
    .where(eq(members.personId, personId));
  if (!row) throw notFound('đảng viên');
  return row;
}

export async function memberHistory(db: Db, personId: number) {
  const fromUnits = alias(units, 'from_units');
  const toUnits = alias(units, 'to_units');
  return db
    .select({ event: memberEvents, fromName: fromUnits.name, toName: toUnits.name })
    .from(memberEvents)
    .leftJoin(fromUnits, eq(fromUnits.id, memberEvents.fromUnitId))
    .leftJoin(toUnits, eq(toUnits.id, memberEvents.toUnitId))
    .where(eq(memberEvents.personId, personId))
    .orderBy(asc(memberEvents.effectiveOn), asc(memberEvents.id));
}

export const CURRENT_STATUSES: MemberStatus[] = ['active', 'temporarily_transferred', 'suspended'];

export type MemberListFilter = {
  /** Members registered in this subtree (path prefix) … */
  subtreePath?: string;
  /** … or exactly in this cell, including members attending it on a temporary transfer. */
  cellId?: number;
  q?: string;
  includeFormer?: boolean;
  limit?: number;
  offset?: number;
};

/** Members sorted the Vietnamese way (given name, then family and middle names). */
export async function listMembers(db: Db, f: MemberListFilter) {
  const conds: (SQL | undefined)[] = [];
  if (f.subtreePath) conds.push(like(units.path, `${f.subtreePath}%`));
  if (f.cellId) conds.push(or(eq(members.unitId, f.cellId), eq(members.temporaryUnitId, f.cellId)));
  if (!f.includeFormer) conds.push(inArray(members.status, CURRENT_STATUSES));
  const q = f.q ? foldVietnamese(f.q) : '';
  if (q) {
    const card = q.replace(/[\s.]/g, '');
    conds.push(or(like(people.nameFold, `%${q.replace(/[%_\\]/g, '\\$&')}%`), eq(members.cardNumber, card), eq(people.phone, card)));
  }
  return db
    .select({
      personId: people.id,
      fullName: people.fullName,
      birthDate: people.birthDate,
      gender: people.gender,
      phone: people.phone,
      phoneKind: people.phoneKind,
      email: people.email,
      cardNumber: members.cardNumber,
      unitId: members.unitId,
      unitName: units.name,
      unitPath: units.path,
      temporaryUnitId: members.temporaryUnitId,
      temporaryUnitPath: tempUnits.path,
      position: members.position,
      standing: members.standing,
      joinedOn: members.joinedOn,
      officialOn: members.officialOn,
      exempt: members.exempt,
      status: members.status,
    })
    .from(members)
    .innerJoin(people, eq(people.id, members.personId))
    .innerJoin(units, eq(units.id, members.unitId))
    .leftJoin(tempUnits, eq(tempUnits.id, members.temporaryUnitId))
    .where(and(...conds))
    .orderBy(asc(people.sortKey), asc(people.id))
    .limit(f.limit ?? 100)
    .offset(f.offset ?? 0);
}
export type MemberListRow = Awaited<ReturnType<typeof listMembers>>[number];

export async function countMembers(db: Db, subtreePath: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(members)
    .innerJoin(units, eq(units.id, members.unitId))
    .where(and(like(units.path, `${subtreePath}%`), inArray(members.status, CURRENT_STATUSES)));
  return Number(row?.n ?? 0);
}

/** Current members in each child's subtree of `parent`, in one grouped query. */
export async function memberCountsByChild(db: Db, parent: { path: string }): Promise<Map<number, number>> {
  // The offset is inlined (a number we computed), so SELECT and GROUP BY name the same expression.
  const childId = sql<string>`split_part(substr(${units.path}, ${sql.raw(String(parent.path.length + 1))}), '/', 1)`;
  const rows = await db
    .select({ child: childId, n: sql<number>`count(*)::int` })
    .from(members)
    .innerJoin(units, eq(units.id, members.unitId))
    .where(and(like(units.path, `${parent.path}%`), ne(units.path, parent.path), inArray(members.status, CURRENT_STATUSES)))
    .groupBy(childId);
  return new Map(rows.map((r) => [Number(r.child), Number(r.n)]));
}
