// Each unit's monthly SMS budget, set by its administrators. Every SMS reserves its cost first
// with one conditional UPDATE (the row lock makes concurrent senders queue; the condition is
// re-checked on the row they find), so a month's spending never passes the budget; a send that
// then fails gives the money back.
import { eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { queryRows } from '../db/client.ts';
import { audit, type ActingContext } from '../audit/audit.ts';
import { invalid } from '../errors.ts';
import { localClock } from './prefs.ts';
import { smsBudgets } from './schema.ts';

export type Budget = { unitId: number; monthlyVnd: number; month: string; spentVnd: number; messages: number };

export const MAX_MONTHLY_VND = 10_000_000_000;

/** This month's budget of each unit (spending from an earlier month counts as zero). */
export async function budgetsOf(db: Db, unitIds: number[], now = new Date()): Promise<Map<number, Budget>> {
  if (unitIds.length === 0) return new Map();
  const month = localClock(now).month;
  const rows = await db.select().from(smsBudgets).where(inArray(smsBudgets.unitId, unitIds));
  return new Map(rows.map((r) => [r.unitId, { unitId: r.unitId, monthlyVnd: r.monthlyVnd, month, spentVnd: r.month === month ? r.spentVnd : 0, messages: r.month === month ? r.messages : 0 }]));
}

export async function setBudget(db: Db, who: ActingContext, unitId: number, monthlyVnd: number, now = new Date()): Promise<void> {
  if (!Number.isSafeInteger(monthlyVnd) || monthlyVnd < 0) throw invalid('Ngân sách phải là một số đồng không âm, ví dụ 500000.', { field: 'monthlyVnd' });
  if (monthlyVnd > MAX_MONTHLY_VND) throw invalid('Ngân sách tối đa 10.000.000.000 đồng một tháng.', { field: 'monthlyVnd' });
  const month = localClock(now).month;
  await db.transaction(async (tx) => {
    const [before] = await tx.select().from(smsBudgets).where(eq(smsBudgets.unitId, unitId));
    await tx
      .insert(smsBudgets)
      .values({ unitId, monthlyVnd, month, spentVnd: 0, messages: 0, updatedBy: who.accountId, updatedAt: now })
      .onConflictDoUpdate({ target: smsBudgets.unitId, set: { monthlyVnd, updatedBy: who.accountId, updatedAt: now } });
    await audit(tx, who, { action: 'notification.sms_budget', entityType: 'unit', entityId: unitId, unitId, before: before ? { monthlyVnd: before.monthlyVnd } : null, after: { monthlyVnd } });
  });
}

/** Takes `costVnd` from the unit's budget this month; false when there is no budget or not enough left. */
export async function reserveSms(db: Db, unitId: number, costVnd: number, now = new Date()): Promise<boolean> {
  const month = localClock(now).month;
  const rows = await queryRows<{ unit_id: number }>(
    db,
    sql`update sms_budgets set
          spent_vnd = (case when month = ${month} then spent_vnd else 0 end) + ${costVnd},
          messages = (case when month = ${month} then messages else 0 end) + 1,
          month = ${month}
        where unit_id = ${unitId} and (case when month = ${month} then spent_vnd else 0 end) + ${costVnd} <= monthly_vnd
        returning unit_id`,
  );
  return rows.length > 0;
}

/** Gives back a reservation whose SMS did not go out. */
export async function refundSms(db: Db, unitId: number, costVnd: number, now = new Date()): Promise<void> {
  const month = localClock(now).month;
  await db.execute(sql`update sms_budgets set spent_vnd = greatest(0, spent_vnd - ${costVnd}), messages = greatest(0, messages - 1) where unit_id = ${unitId} and month = ${month}`);
}
