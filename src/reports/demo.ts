// The demo's periodic report: the daily COVID-19 situation report (before 15:00, from every
// commune of the province), collected by the Tỉnh ủy, with a week of plausible submissions from
// the three demo communes — most before 15:00, one late, one day missing — ending yesterday, so
// today's period is open for the demo's commune clerks.
import { eq } from 'drizzle-orm';
import type { Db } from '../core/db/client.ts';
import { units } from '../org/schema.ts';
import { prng, between } from '../core/synthetic/random.ts';
import { addDays, localInstant } from '../tasks/deadline.ts';
import { COVID_TEMPLATE } from './definition.ts';
import { periodDeadline } from './periods.ts';
import { reportSubmissions, reportTemplates, type Values } from './schema.ts';
import type { Rng } from '../core/synthetic/random.ts';

/** Figures of one commune for one day: counts that agree with each other (negative + positive + awaiting = tested). */
export function covidFigures(r: Rng, size = 1): Values {
  const tested = Math.round(between(r, 15, 110) * size);
  const awaiting = Math.min(tested, between(r, 0, 9));
  const positive = r() < 0.04 ? 1 : 0;
  return {
    facility_quarantine: Math.round(between(r, 0, 14) * size),
    home_quarantine: Math.round(between(r, 4, 38) * size),
    f1: between(r, 0, 6),
    f2: between(r, 0, 12),
    tested_24h: tested,
    negative: tested - awaiting - positive,
    positive,
    awaiting,
    vaccine_doses: Math.round(between(r, 60, 420) * size),
    notes: null,
  };
}

export async function seedDemoReports(db: Db, today: string): Promise<number> {
  const [province] = await db.select().from(units).where(eq(units.code, 'TB'));
  if (!province) return 0;
  const start = addDays(today, -7);
  const [template] = await db
    .insert(reportTemplates)
    .values({
      ownerUnitId: province.id,
      scopeUnitId: province.id,
      code: COVID_TEMPLATE.code,
      name: COVID_TEMPLATE.name,
      description: COVID_TEMPLATE.description,
      fields: COVID_TEMPLATE.fields,
      rules: COVID_TEMPLATE.rules,
      scheduleKind: COVID_TEMPLATE.scheduleKind,
      deadlineTime: COVID_TEMPLATE.deadlineTime,
      startsOn: start,
      unitKinds: COVID_TEMPLATE.unitKinds,
    })
    .returning();
  const communes = [] as { id: number; code: string }[];
  for (const code of ['TB-DT', 'TB-PK', 'TB-VP']) {
    const [u] = await db.select({ id: units.id, code: units.code }).from(units).where(eq(units.code, code));
    if (u) communes.push({ id: u.id, code: u.code! });
  }
  const r = prng(2021_09_23);
  let n = 0;
  for (let d = 7; d >= 1; d--) {
    const period = addDays(today, -d);
    for (const c of communes) {
      // Vũ Phúc missed a day; Phú Khánh was late once.
      if (c.code === 'TB-VP' && d === 3) continue;
      const late = c.code === 'TB-PK' && d === 2;
      const at = late ? localInstant(period, '16:20') : localInstant(period, `${String(between(r, 9, 14)).padStart(2, '0')}:${String(between(r, 0, 59)).padStart(2, '0')}`);
      await db.insert(reportSubmissions).values({
        templateId: template!.id,
        unitId: c.id,
        period,
        version: 1,
        values: covidFigures(r, c.code === 'TB-PK' ? 1.4 : 1),
        status: 'current',
        dueAt: periodDeadline(template!, period),
        submittedAt: at,
      });
      n++;
    }
  }
  return n;
}
