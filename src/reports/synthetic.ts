// Synthetic report history for measurements, on the shared generator's bulk writer (COPY on both
// databases) and its independent random streams: the daily COVID-19 report (the template the
// product ships) from every commune of a synthetic province for a run of days — most before
// 15:00, some late, a few missing, some corrected (two versions).
import type { Db, DbKind } from '../core/db/client.ts';
import { streamRng, withBulkWriter, type CopyValue } from '../core/synthetic/generator.ts';
import { between } from '../core/synthetic/random.ts';
import { addDays, localInstant } from '../tasks/deadline.ts';
import { COVID_TEMPLATE } from './definition.ts';
import { covidFigures } from './demo.ts';
import { periodDeadline } from './periods.ts';

export type ReportHistoryOptions = {
  ownerUnitId: number;
  communes: { id: number }[];
  /** The last day of the history (yyyy-mm-dd) and how many days it covers. */
  lastDay: string;
  days: number;
  seed?: number;
};

export type ReportHistory = { templateId: number; firstDay: string; submissions: number; late: number; missing: number; corrected: number; ms: number };

const COLUMNS = ['template_id', 'unit_id', 'period', 'version', 'values', 'status', 'due_at', 'submitted_by', 'submitted_at', 'note'] as const;

export async function generateReportHistory(db: Db, kind: DbKind, opts: ReportHistoryOptions): Promise<ReportHistory> {
  const started = Date.now();
  const r = streamRng(opts.seed ?? 2021, `reports:${opts.ownerUnitId}:${opts.lastDay}`);
  const firstDay = addDays(opts.lastDay, -(opts.days - 1));
  return withBulkWriter(db, kind, async (w) => {
    const [tpl] = await w.query<{ id: number }>(
      `insert into report_templates (owner_unit_id, scope_unit_id, name, description, fields, rules, schedule_kind, deadline_time, starts_on, unit_kinds)
       values ($1, $1, $2, $3, $4::jsonb, $5::jsonb, 'daily', $6, $7, $8::jsonb) returning id`,
      [opts.ownerUnitId, COVID_TEMPLATE.name, COVID_TEMPLATE.description, JSON.stringify(COVID_TEMPLATE.fields), JSON.stringify(COVID_TEMPLATE.rules), COVID_TEMPLATE.deadlineTime, firstDay, JSON.stringify(COVID_TEMPLATE.unitKinds)],
    );
    const templateId = Number(tpl!.id);
    const schedule = { scheduleKind: 'daily' as const, deadlineTime: COVID_TEMPLATE.deadlineTime, weekday: null, monthday: null, startsOn: firstDay, endsOn: null };
    let late = 0;
    let missing = 0;
    let corrected = 0;
    const rows: CopyValue[][] = [];
    for (let d = 0; d < opts.days; d++) {
      const period = addDays(firstDay, d);
      const due = periodDeadline(schedule, period);
      for (const c of opts.communes) {
        if (r() < 0.03) {
          missing++;
          continue;
        }
        const isLate = r() < 0.06;
        if (isLate) late++;
        const at = isLate ? localInstant(period, `${between(r, 15, 21)}:${String(between(r, 0, 59)).padStart(2, '0')}`) : localInstant(period, `${String(between(r, 7, 14)).padStart(2, '0')}:${String(between(r, 0, 59)).padStart(2, '0')}`);
        const values = covidFigures(r, 0.6 + r() * 1.2);
        if (r() < 0.02) {
          corrected++;
          rows.push([templateId, c.id, period, 1, covidFigures(r), 'superseded', due, null, at, null]);
          rows.push([templateId, c.id, period, 2, values, 'current', due, null, new Date(at.getTime() + 3_600_000), 'Sửa số liệu']);
        } else rows.push([templateId, c.id, period, 1, values, 'current', due, null, at, null]);
      }
    }
    await w.copy('report_submissions', COLUMNS, rows);
    await w.query('analyze report_submissions');
    return { templateId, firstDay, submissions: rows.length, late, missing, corrected, ms: Date.now() - started };
  });
}
