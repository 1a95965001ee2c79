// A roll-up as a spreadsheet (the shared .xlsx machinery): the totals of each period, and one
// row per unit and period with every field, the time it came in and whether it was late.
import { sql } from 'drizzle-orm';
import type { Db } from '../core/db/client.ts';
import { queryRows } from '../core/db/client.ts';
import type { Locale } from '../core/i18n/i18n.ts';
import { writeXlsx, type Column, type SheetSpec } from '../core/xlsx/index.ts';
import type { Unit } from '../org/schema.ts';
import { isNumeric } from './definition.ts';
import { reportMessages } from './messages.ts';
import { trend, type TrendPoint } from './rollup.ts';
import type { ReportTemplate, TableRowValue, Values } from './schema.ts';

type Row = { period: string; unit_name: string; values: Values; submitted_at: string | Date; late: boolean; version: number };

function cell(v: Values[string] | undefined): string | number | null {
  if (v == null) return null;
  if (Array.isArray(v)) return v.map((r: TableRowValue) => Object.values(r).filter((x) => x != null).join(' · ')).join('\n');
  return v;
}

export async function rollupWorkbook(db: Db, t: ReportTemplate, unit: Pick<Unit, 'path' | 'name'>, from: string, to: string, locale: Locale): Promise<Buffer> {
  const m = reportMessages(locale);
  const series = await trend(db, t, unit, from, to);
  const rows = await queryRows<Row>(
    db,
    sql`select s.period::text as period, u.name as unit_name, s.values, s.submitted_at, s.version,
               coalesce((select v1.submitted_at > v1.due_at from report_submissions v1 where v1.template_id = s.template_id and v1.unit_id = s.unit_id and v1.period = s.period and v1.version = 1), false) as late
        from report_submissions s join units u on u.id = s.unit_id
        where s.template_id = ${t.id} and s.status = 'current' and s.period between ${from} and ${to} and u.path like ${`${unit.path}%`}
        order by s.period, u.path`,
  );
  const numeric = t.fields.filter((f) => isNumeric(f) && f.aggregate !== 'none');
  const totals: SheetSpec<TrendPoint> = {
    name: m.rollup.totals,
    columns: [
      { header: m.rollup.period, type: 'date', value: (p) => p.period },
      { header: m.rollup.submittedUnits, type: 'number', value: (p) => p.submitted },
      { header: m.rollup.late, type: 'number', value: (p) => p.late },
      ...numeric.map((f): Column<TrendPoint> => ({ header: f.aggregate === 'avg' ? `${f.label} (${m.rollup.average.toLowerCase()})` : f.label, type: 'number', value: (p) => p.totals[f.key] ?? null })),
    ],
    rows: series,
  };
  const perUnit: SheetSpec<Row> = {
    name: m.rollup.perUnit,
    columns: [
      { header: m.rollup.period, type: 'date', value: (r) => r.period },
      { header: m.rollup.unit, width: 36, value: (r) => r.unit_name },
      ...t.fields.map((f): Column<Row> => ({ header: f.label, type: isNumeric(f) ? 'number' : 'text', width: f.type === 'text' || f.type === 'table' ? 40 : undefined, value: (r) => cell(r.values[f.key]) })),
      { header: m.rollup.submittedAt, type: 'text', value: (r) => new Date(r.submitted_at).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', hour12: false }) },
      { header: m.rollup.late, type: 'boolean', value: (r) => r.late },
    ],
    rows,
  };
  return writeXlsx<never>([totals as unknown as SheetSpec<never>, perUnit as unknown as SheetSpec<never>], { creator: `${t.name} — ${unit.name}` });
}
