// Reports rolled up the tree for a unit: for one period, the totals (sums, and averages where the
// template says so), one line per unit directly below, one line per submitting unit with its
// time and whether it was late, the missing units; over many periods, the series of a field
// (one grouped query, whatever the number of units and days).
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../core/db/client.ts';
import { queryRows } from '../core/db/client.ts';
import type { Unit } from '../org/schema.ts';
import { isNumeric } from './definition.ts';
import { periodDeadline, periodsBetween } from './periods.ts';
import { targetUnits, type TargetUnit } from './submissions.ts';
import type { FieldDef, ReportTemplate, TableRowValue, Values } from './schema.ts';

export type UnitLine = {
  unit: TargetUnit;
  values: Values | null;
  submittedAt: Date | null;
  firstSubmittedAt: Date | null;
  version: number | null;
  late: boolean;
  pending: boolean;
};
export type Aggregates = Record<string, number | null>;
export type ChildLine = { unit: Pick<Unit, 'id' | 'name'>; expected: number; submitted: number; totals: Aggregates };
export type Rollup = {
  period: string;
  dueAt: Date;
  due: boolean;
  expected: number;
  lines: UnitLine[];
  totals: Aggregates;
  byChild: ChildLine[];
  late: UnitLine[];
  missing: UnitLine[];
};

/** Sums (or means) of the numeric fields over some submitted values; table fields sum their numeric columns. */
export function aggregate(fields: FieldDef[], list: Values[]): Aggregates {
  const out: Aggregates = {};
  for (const f of fields) {
    if (isNumeric(f) && f.aggregate !== 'none') {
      const nums = list.map((v) => v[f.key]).filter((x): x is number => typeof x === 'number');
      const sum = nums.reduce((a, b) => a + b, 0);
      out[f.key] = nums.length === 0 ? null : f.aggregate === 'avg' ? Math.round((sum / nums.length) * 100) / 100 : sum;
    }
    if (f.type === 'table') {
      for (const c of f.columns ?? []) {
        if (c.type === 'text') continue;
        const nums = list.flatMap((v) => ((v[f.key] as TableRowValue[] | null) ?? []).map((r) => r[c.key])).filter((x): x is number => typeof x === 'number');
        out[`${f.key}.${c.key}`] = nums.length ? nums.reduce((a, b) => a + b, 0) : null;
      }
    }
  }
  return out;
}

type SubmissionRow = { unit_id: number; values: Values; submitted_at: string | Date; version: number; first_at: string | Date | null; pending: boolean };

/** The roll-up of one period for `unit`'s subtree, at `now`. */
export async function periodRollup(db: Db, t: ReportTemplate, unit: Pick<Unit, 'id' | 'path' | 'name'>, period: string, now: Date): Promise<Rollup> {
  const targets = await targetUnits(db, t, unit);
  const dueAt = periodDeadline(t, period);
  const rows = await queryRows<SubmissionRow>(
    db,
    sql`select s.unit_id, s.values, s.submitted_at, s.version,
               (select v1.submitted_at from report_submissions v1 where v1.template_id = s.template_id and v1.unit_id = s.unit_id and v1.period = s.period and v1.version = 1) as first_at,
               exists (select 1 from report_submissions p where p.template_id = s.template_id and p.unit_id = s.unit_id and p.period = s.period and p.status = 'pending') as pending
        from report_submissions s join units u on u.id = s.unit_id
        where s.template_id = ${t.id} and s.period = ${period} and s.status = 'current' and u.path like ${`${unit.path}%`}`,
  );
  const byUnit = new Map(rows.map((r) => [Number(r.unit_id), r]));
  const lines: UnitLine[] = targets.map((u) => {
    const r = byUnit.get(u.id);
    const first = r?.first_at ? new Date(r.first_at) : r ? new Date(r.submitted_at) : null;
    return {
      unit: u,
      values: r?.values ?? null,
      submittedAt: r ? new Date(r.submitted_at) : null,
      firstSubmittedAt: first,
      version: r ? Number(r.version) : null,
      late: first ? first.getTime() > dueAt.getTime() : false,
      pending: !!r?.pending,
    };
  });
  const submitted = lines.filter((l) => l.values);
  const due = now.getTime() > dueAt.getTime();
  // Units directly below `unit` that hold submitting units (or are one).
  const childOf = (u: TargetUnit) => {
    const rest = u.path.slice(unit.path.length).split('/').filter(Boolean);
    return rest.length ? Number(rest[0]) : null;
  };
  const groups = new Map<number, UnitLine[]>();
  for (const l of lines) {
    const c = childOf(l.unit);
    if (c != null) groups.set(c, [...(groups.get(c) ?? []), l]);
  }
  const names = new Map(targets.map((u) => [u.id, u.name]));
  const childIds = [...groups.keys()];
  const missingNames = childIds.filter((id) => !names.has(id));
  if (missingNames.length) {
    const extra = await queryRows<{ id: number; name: string }>(db, sql`select id, name from units where id in (${sql.join(missingNames.map((id) => sql`${id}`), sql`, `)})`);
    for (const e of extra) names.set(Number(e.id), e.name);
  }
  const byChild: ChildLine[] = childIds.map((id) => {
    const ls = groups.get(id)!;
    return { unit: { id, name: names.get(id) ?? String(id) }, expected: ls.length, submitted: ls.filter((l) => l.values).length, totals: aggregate(t.fields, ls.filter((l) => l.values).map((l) => l.values!)) };
  });
  return {
    period,
    dueAt,
    due,
    expected: lines.length,
    lines,
    totals: aggregate(t.fields, submitted.map((l) => l.values!)),
    byChild,
    late: lines.filter((l) => l.late),
    missing: due ? lines.filter((l) => !l.values) : [],
  };
}

export type TrendPoint = { period: string; submitted: number; late: number; totals: Aggregates };

/** The grouped query behind `trend` (column f<i> is the i-th aggregated numeric field); exported for the bench's baseline. */
export function trendStatement(t: Pick<ReportTemplate, 'id' | 'fields'>, unitPath: string, from: string, to: string): SQL {
  const numeric = t.fields.filter((f) => isNumeric(f) && f.aggregate !== 'none');
  const cols = numeric.map((f, i) => (f.aggregate === 'avg' ? sql`avg((s.values->>${f.key})::numeric) as ${sql.raw(`f${i}`)}` : sql`sum((s.values->>${f.key})::numeric) as ${sql.raw(`f${i}`)}`));
  return sql`select s.period::text as period, count(*) as n,
               count(*) filter (where exists (select 1 from report_submissions v1 where v1.template_id = s.template_id and v1.unit_id = s.unit_id and v1.period = s.period and v1.version = 1 and v1.submitted_at > v1.due_at)) as late
               ${cols.length ? sql`, ${sql.join(cols, sql`, `)}` : sql``}
        from report_submissions s join units u on u.id = s.unit_id
        where s.template_id = ${t.id} and s.status = 'current' and s.period between ${from} and ${to} and u.path like ${`${unitPath}%`}
        group by s.period order by s.period`;
}

/**
 * The series of every aggregated numeric field over the periods from `from` to `to` for
 * `unit`'s subtree: one grouped query (sums, counts, late counts per period).
 */
export async function trend(db: Db, t: ReportTemplate, unit: Pick<Unit, 'path'>, from: string, to: string): Promise<TrendPoint[]> {
  const numeric = t.fields.filter((f) => isNumeric(f) && f.aggregate !== 'none');
  const rows = await queryRows<Record<string, string | number | null> & { period: string; n: number | string; late: number | string }>(db, trendStatement(t, unit.path, from, to));
  const byPeriod = new Map(rows.map((r) => [r.period, r]));
  return periodsBetween(t, from, to).map((p) => {
    const r = byPeriod.get(p);
    const totals: Aggregates = {};
    numeric.forEach((f, i) => {
      const v = r?.[`f${i}`];
      totals[f.key] = v == null ? null : Math.round(Number(v) * 100) / 100;
    });
    return { period: p, submitted: r ? Number(r.n) : 0, late: r ? Number(r.late) : 0, totals };
  });
}
