// The incoming and outgoing registers (sổ văn bản đến / đi, Nghị định 30/2020/NĐ-CP Phụ lục IV)
// of a unit and year. Numbers come from one counter row per unit, direction and year, incremented
// inside the registering transaction: concurrent saves queue on that row, a rolled-back save
// gives its number back, so the numbers run 1, 2, 3… without gaps or duplicates.
import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../core/db/client.ts';
import { queryRows } from '../core/db/client.ts';
import { accounts } from '../core/auth/schema.ts';
import { people } from '../people/schema.ts';
import { units } from '../org/schema.ts';
import { documents, registerEntries, type Direction } from './schema.ts';

export const yearOf = (isoDate: string): number => Number(isoDate.slice(0, 4));

/** The next number of a register, taken inside the caller's transaction (the counter row stays locked until it ends). */
export async function nextRegisterNumber(tx: Db, unitId: number, direction: Direction, year: number): Promise<number> {
  const rows = await queryRows<{ last_number: number | string }>(
    tx,
    sql`insert into register_counters (unit_id, direction, year, last_number) values (${unitId}, ${direction}, ${year}, 1)
        on conflict (unit_id, direction, year) do update set last_number = register_counters.last_number + 1
        returning last_number`,
  );
  return Number(rows[0]!.last_number);
}

export type RegisterRow = {
  documentId: number;
  seq: number;
  year: number;
  entryDate: string;
  counterpart: string | null;
  forwardedTo: string | null;
  dueOn: string | null;
  copies: number | null;
  note: string | null;
  handledAt: Date | null;
  handledByName: string | null;
  number: string | null;
  date: string | null;
  kind: (typeof documents.$inferSelect)['kind'];
  subject: string;
  issuer: string | null;
  signer: string | null;
  urgency: (typeof documents.$inferSelect)['urgency'];
  secrecy: (typeof documents.$inferSelect)['secrecy'];
};

const rowColumns = {
  documentId: registerEntries.documentId,
  seq: registerEntries.seq,
  year: registerEntries.year,
  entryDate: registerEntries.entryDate,
  counterpart: registerEntries.counterpart,
  forwardedTo: registerEntries.forwardedTo,
  dueOn: registerEntries.dueOn,
  copies: registerEntries.copies,
  note: registerEntries.note,
  handledAt: registerEntries.handledAt,
  handledByName: people.fullName,
  number: documents.number,
  date: documents.date,
  kind: documents.kind,
  subject: documents.subject,
  issuer: documents.issuer,
  signer: documents.signer,
  urgency: documents.urgency,
  secrecy: documents.secrecy,
};

/** Every entry of a register for one year, in number order. */
export async function listRegister(db: Db, unitId: number, direction: Direction, year: number): Promise<RegisterRow[]> {
  return db
    .select(rowColumns)
    .from(registerEntries)
    .innerJoin(documents, eq(documents.id, registerEntries.documentId))
    .leftJoin(accounts, eq(accounts.id, registerEntries.handledBy))
    .leftJoin(people, eq(people.id, accounts.personId))
    .where(and(eq(registerEntries.unitId, unitId), eq(registerEntries.direction, direction), eq(registerEntries.year, year)))
    .orderBy(asc(registerEntries.seq));
}

/** The months of a register's year that have entries, with how many (the register's screen shows one month at a time). */
export async function registerMonths(db: Db, unitId: number, direction: Direction, year: number): Promise<{ month: number; count: number }[]> {
  const rows = await queryRows<{ month: number | string; n: number | string }>(
    db,
    sql`select extract(month from entry_date)::int as month, count(*)::int as n from register_entries
        where unit_id = ${unitId} and direction = ${direction} and year = ${year} group by 1 order by 1`,
  );
  return rows.map((r) => ({ month: Number(r.month), count: Number(r.n) }));
}

export const REGISTER_PAGE_SIZE = 50;

/** One page of one month of a register, in number order: what a phone on a slow line loads. */
export async function listRegisterPage(db: Db, unitId: number, direction: Direction, year: number, month: number, page: number, pageSize = REGISTER_PAGE_SIZE): Promise<{ rows: RegisterRow[]; hasMore: boolean }> {
  const from = `${year}-${String(month).padStart(2, '0')}-01`;
  const to = month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
  const rows = await db
    .select(rowColumns)
    .from(registerEntries)
    .innerJoin(documents, eq(documents.id, registerEntries.documentId))
    .leftJoin(accounts, eq(accounts.id, registerEntries.handledBy))
    .leftJoin(people, eq(people.id, accounts.personId))
    .where(
      and(
        eq(registerEntries.unitId, unitId),
        eq(registerEntries.direction, direction),
        eq(registerEntries.year, year),
        sql`${registerEntries.entryDate} >= ${from}::date and ${registerEntries.entryDate} < ${to}::date`,
      ),
    )
    .orderBy(asc(registerEntries.seq))
    .limit(pageSize + 1)
    .offset((Math.max(1, page) - 1) * pageSize);
  return { rows: rows.slice(0, pageSize), hasMore: rows.length > pageSize };
}

/** HỎA TỐC and THƯỢNG KHẨN documents not yet handled, of every year: flagged at the top of the register. */
export async function urgentPending(db: Db, unitId: number, direction?: Direction): Promise<RegisterRow[]> {
  return db
    .select(rowColumns)
    .from(registerEntries)
    .innerJoin(documents, eq(documents.id, registerEntries.documentId))
    .leftJoin(accounts, eq(accounts.id, registerEntries.handledBy))
    .leftJoin(people, eq(people.id, accounts.personId))
    .where(
      and(
        eq(registerEntries.unitId, unitId),
        direction ? eq(registerEntries.direction, direction) : undefined,
        isNull(registerEntries.handledAt),
        inArray(documents.urgency, ['hoa_toc', 'thuong_khan']),
      ),
    )
    .orderBy(sql`case ${documents.urgency} when 'hoa_toc' then 0 else 1 end`, asc(registerEntries.entryDate), asc(registerEntries.seq));
}

/** Number of urgent documents not yet handled in the units where the actor is a clerk (the home tile's badge). */
export async function countUrgentPending(db: Db, unitIds: number[]): Promise<number> {
  if (unitIds.length === 0) return 0;
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(registerEntries)
    .innerJoin(documents, eq(documents.id, registerEntries.documentId))
    .where(and(inArray(registerEntries.unitId, unitIds), isNull(registerEntries.handledAt), inArray(documents.urgency, ['hoa_toc', 'thuong_khan'])));
  return Number(row?.n ?? 0);
}

/** Documents not yet handled in the units where the actor is a clerk, by urgency (every level: hỏa tốc, thượng khẩn and khẩn). */
export async function urgentPendingCounts(db: Db, unitIds: number[]): Promise<{ hoa_toc: number; thuong_khan: number; khan: number }> {
  const out = { hoa_toc: 0, thuong_khan: 0, khan: 0 };
  if (unitIds.length === 0) return out;
  const rows = await db
    .select({ urgency: documents.urgency, n: sql<number>`count(*)::int` })
    .from(registerEntries)
    .innerJoin(documents, eq(documents.id, registerEntries.documentId))
    .where(and(inArray(registerEntries.unitId, unitIds), isNull(registerEntries.handledAt), inArray(documents.urgency, ['hoa_toc', 'thuong_khan', 'khan'])))
    .groupBy(documents.urgency);
  for (const r of rows) if (r.urgency) out[r.urgency] = Number(r.n);
  return out;
}

/** The years a unit's register has entries in, newest first. */
export async function registerYears(db: Db, unitId: number, direction: Direction): Promise<number[]> {
  const rows = await db
    .selectDistinct({ year: registerEntries.year })
    .from(registerEntries)
    .where(and(eq(registerEntries.unitId, unitId), eq(registerEntries.direction, direction)))
    .orderBy(desc(registerEntries.year));
  return rows.map((r) => r.year);
}

/** Units whose registers the actor keeps (office clerk there), for the intake and register menus. */
export async function unitsByIds(db: Db, ids: number[]) {
  if (ids.length === 0) return [];
  return db.select().from(units).where(and(inArray(units.id, ids), eq(units.status, 'active'))).orderBy(asc(units.path));
}
