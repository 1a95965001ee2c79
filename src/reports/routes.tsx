// Routes of the periodic reports: the list, the template form, submitting (and correcting) a
// unit's report, the roll-up of a unit's subtree with its lock, corrections to approve, the
// .xlsx export, and a JSON API for roll-ups and submissions. Every route is guarded by the
// policy module: only people holding a role in the very unit submit for it.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Feature } from '../core/feature.ts';
import type { RequestContext } from '../core/http/context.ts';
import { defineRoute, guard } from '../core/http/routes.ts';
import { redirectWithFlash, sendPage } from '../core/http/render.ts';
import { cleanBody, type FieldErrors, type FormValues } from '../core/http/forms.ts';
import { can } from '../core/policy/policy.ts';
import { loadUnitResource, unitResource } from '../core/policy/resources.ts';
import { DomainError } from '../core/errors.ts';
import { formatDateTime } from '../core/i18n/i18n.ts';
import { getUnit } from '../org/tree.ts';
import { units, UNIT_KINDS, type Unit, type UnitKind } from '../org/schema.ts';
import { orgMessages } from '../org/messages.ts';
import { addDays, localDate } from '../tasks/deadline.ts';
import { now } from '../tasks/clock.ts';
import { reportMessages } from './messages.ts';
import { currentPeriod, isPeriod, periodDeadline, recentPeriods } from './periods.ts';
import { readTemplate, type RawField } from './definition.ts';
import { createTemplate, getSubmission, getTemplate, isTarget, lockOver, lockPeriod, pendingCorrections, reviewCorrection, submitReport, templatesFor, versionsOf } from './submissions.ts';
import { periodRollup, trend } from './rollup.ts';
import { rollupWorkbook } from './export.ts';
import { reportSubmissions, type ReportTemplate } from './schema.ts';
import { ChooseUnitPage, formValuesOf, ReportsHomePage, RollupPage, SubmitPage, TemplateFormPage, type FollowItem, type SubmitItem } from './views.tsx';

const MAX_ID = 2_147_483_647;
const id = z.coerce.number().int().positive().max(MAX_ID);
const unitParams = z.object({ unitId: id });
const tuParams = z.object({ templateId: id, unitId: id });
const corrParams = z.object({ templateId: id, submissionId: id });
const blank = (v: unknown) => (v === '' || v == null ? undefined : v);
const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
/** How many periods the trend shows. */
export const TREND_RANGES = [7, 30, 90, 365] as const;
const periodQuery = z.object({
  period: z.preprocess(blank, isoDay.optional()).catch(undefined),
  field: z.preprocess(blank, z.string().max(60).optional()).catch(undefined),
  range: z.preprocess(blank, z.coerce.number().int().optional()).catch(undefined),
});
const rangeQuery = z.object({ from: z.preprocess(blank, isoDay.optional()).catch(undefined), to: z.preprocess(blank, isoDay.optional()).catch(undefined) });
type PeriodQuery = z.infer<typeof periodQuery>;

const STAFF_ROLES = ['committee_member', 'office_clerk', 'unit_admin', 'cell_secretary', 'cell_deputy'];

const byUnit = (action: 'report.submit' | 'report.view' | 'report.lock' | 'report.template_manage') => guard(action, (req: { params: { unitId: number } }, rc) => loadUnitResource(rc.db, req.params.unitId));

/** The active units where the actor holds a staff role. */
async function staffUnits(rc: RequestContext): Promise<Unit[]> {
  const ids = [...new Set(rc.actor!.grants.filter((g) => g.unitId != null && STAFF_ROLES.includes(g.role)).map((g) => g.unitId!))];
  if (ids.length === 0) return [];
  return rc.db.select().from(units).where(and(inArray(units.id, ids), eq(units.status, 'active'), ne(units.tree, 'external'))).orderBy(asc(units.path));
}

/** For the home tile and the list: what each of the actor's units submits this period, and what they follow. */
async function overview(rc: RequestContext): Promise<{ toSubmit: SubmitItem[]; toFollow: FollowItem[] }> {
  const mine = await staffUnits(rc);
  const at = now();
  const templates = await templatesFor(
    rc.db,
    mine.map((u) => u.path),
  );
  const toSubmit: SubmitItem[] = [];
  const toFollow: FollowItem[] = [];
  for (const t of templates) {
    for (const u of mine) {
      if (!u.path.startsWith(t.scopePath) && !t.scopePath.startsWith(u.path)) continue;
      if ((await isTarget(rc.db, t, u)) && can(rc.actor, 'report.submit', unitResource(u))) {
        const period = currentPeriod(t, at);
        if (!isPeriod(t, period)) continue;
        const [row] = await rc.db
          .select({ at: reportSubmissions.submittedAt })
          .from(reportSubmissions)
          .where(and(eq(reportSubmissions.templateId, t.id), eq(reportSubmissions.unitId, u.id), eq(reportSubmissions.period, period), eq(reportSubmissions.version, 1)));
        toSubmit.push({ template: t, unit: u, period, dueAt: periodDeadline(t, period), submittedAt: row?.at ?? null });
      } else if (u.kind !== 'cell' && !t.unitKinds.includes(u.kind) && can(rc.actor, 'report.view', unitResource(u))) toFollow.push({ template: t, unit: u });
    }
  }
  return { toSubmit, toFollow };
}

function rawTemplateForm(b: Record<string, unknown>, rows: number) {
  const s = (k: string) => (typeof b[k] === 'string' ? (b[k] as string) : '');
  const list = (k: string) => (Array.isArray(b[k]) ? (b[k] as unknown[]).map(String) : typeof b[k] === 'string' ? [b[k] as string] : []);
  const fields: RawField[] = Array.from({ length: rows }, (_, i) => ({
    label: s(`field${i}_label`),
    type: s(`field${i}_type`) || 'integer',
    required: s(`field${i}_required`) === '1',
    nonNegative: s(`field${i}_min`) === '1',
    aggregate: s(`field${i}_aggregate`) || 'sum',
    unit: s(`field${i}_unit`),
    options: s(`field${i}_options`),
  }));
  return { name: s('name'), description: s('description'), scheduleKind: s('scheduleKind'), deadlineTime: s('deadlineTime'), weekday: s('weekday'), monthday: s('monthday'), startsOn: s('startsOn'), endsOn: s('endsOn'), kinds: list('kinds'), rules: s('rules'), fields };
}

function valuesOf(body: Record<string, unknown>): FormValues {
  const out: FormValues = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string' && k !== '_csrf') out[k] = v;
  return out;
}

async function templatePage(rc: RequestContext, reply: FastifyReply, owner: Unit, values: FormValues, kinds: string[], rows: number, errors?: FieldErrors) {
  const scopes = await rc.db
    .select({ id: units.id, name: units.name, depth: units.depth })
    .from(units)
    .where(and(sql`${units.path} like ${`${owner.path}%`}`, eq(units.status, 'active'), ne(units.kind, 'cell'), sql`${units.depth} <= ${owner.depth + 2}`))
    .orderBy(asc(units.path));
  const labels = orgMessages(rc.locale).kinds as Record<string, string>;
  const treeKinds = (UNIT_KINDS[owner.tree] as readonly UnitKind[]).filter((k) => k !== 'party_province');
  return sendPage(
    reply,
    <TemplateFormPage rc={rc} owner={owner} scopes={scopes} kinds={treeKinds.map((k) => ({ kind: k, label: labels[k] ?? k }))} values={values} kindsChosen={kinds} rows={rows} errors={errors} />,
    errors ? 422 : 200,
  );
}

async function submitPage(rc: RequestContext, reply: FastifyReply, t: ReportTemplate, unit: Unit, period: string, extra: { values?: FormValues; errors?: FieldErrors } = {}, status = 200) {
  const at = now();
  const periods = recentPeriods(t, at, 14);
  if (!periods.includes(period)) periods.unshift(period);
  const done = await rc.db
    .select({ period: sql<string>`${reportSubmissions.period}::text` })
    .from(reportSubmissions)
    .where(and(eq(reportSubmissions.templateId, t.id), eq(reportSubmissions.unitId, unit.id), eq(reportSubmissions.status, 'current')));
  const doneSet = new Set(done.map((d) => d.period));
  const versions = await versionsOf(rc.db, t.id, unit.id, period);
  const lock = await lockOver(rc.db, t.id, unit.path, period);
  const current = versions.find((v) => v.status === 'current');
  return sendPage(
    reply,
    <SubmitPage
      rc={rc}
      template={t}
      unit={unit}
      period={period}
      periods={periods.map((p) => ({ period: p, submitted: doneSet.has(p) }))}
      versions={versions}
      locked={lock ? { lockedAt: lock.lockedAt } : null}
      values={extra.values ?? formValuesOf(t.fields, current?.values, rc)}
      errors={extra.errors}
      canRollup={can(rc.actor, 'report.view', unitResource(unit))}
    />,
    status,
  );
}

async function rollupPage(rc: RequestContext, reply: FastifyReply, t: ReportTemplate, unit: Unit, q: PeriodQuery) {
  const at = now();
  const cur = currentPeriod(t, at);
  const periods = recentPeriods(t, at, 30);
  const period = q.period && isPeriod(t, q.period) ? q.period : (periods[0] ?? t.startsOn);
  if (!periods.includes(period)) periods.unshift(period);
  const rollup = await periodRollup(rc.db, t, unit, period, at);
  const range = q.range && (TREND_RANGES as readonly number[]).includes(q.range) ? q.range : t.scheduleKind === 'daily' ? 30 : 12;
  const span = t.scheduleKind === 'daily' ? range - 1 : t.scheduleKind === 'weekly' ? 7 * (range - 1) : 31 * (range - 1);
  const to = period > cur ? cur : period;
  const series = t.scheduleKind === 'once' ? [] : await trend(rc.db, t, unit, addDays(to, -span), to);
  const lock = await lockOver(rc.db, t.id, unit.path, period);
  let lockedBy = '';
  if (lock) lockedBy = (await getUnit(rc.db, lock.unitId)).name;
  const pending = await pendingCorrections(rc.db, t.id, unit);
  const corrections = [];
  for (const c of pending) {
    const versions = await versionsOf(rc.db, t.id, c.s.unitId, c.s.period);
    corrections.push({ id: c.s.id, unitName: c.unitName, period: c.s.period, note: c.s.note, values: c.s.values, was: versions.find((v) => v.status === 'current')?.values ?? null });
  }
  const res = unitResource(unit);
  return sendPage(
    reply,
    <RollupPage
      rc={rc}
      template={t}
      unit={unit}
      rollup={rollup}
      periods={periods}
      series={series}
      field={q.field ?? ''}
      range={range}
      locked={lock ? { lockedAt: lock.lockedAt, unitName: lockedBy } : null}
      canLock={can(rc.actor, 'report.lock', res) && period <= cur}
      canSubmit={can(rc.actor, 'report.submit', res) && (await isTarget(rc.db, t, unit))}
      corrections={corrections}
      canReview={can(rc.actor, 'report.lock', res)}
    />,
  );
}

function domainErrors(e: DomainError): FieldErrors {
  const all = e.details?.errors as FieldErrors | undefined;
  return all ?? { [(e.details?.field as string) ?? '_form']: e.message };
}

export const reportsFeature: Feature = {
  name: 'reports',
  navLinks: (rc) => (rc.actor && can(rc.actor, 'report.list', { type: 'self' }) ? [{ href: '/reports', label: reportMessages(rc.locale).nav.reports }] : []),
  homeTiles: async (rc) => {
    if (!rc.actor || !can(rc.actor, 'report.list', { type: 'self' })) return [];
    const m = reportMessages(rc.locale);
    const { toSubmit, toFollow } = await overview(rc);
    if (toSubmit.length === 0 && toFollow.length === 0) return [];
    const due = toSubmit.filter((s) => !s.submittedAt).length;
    return [{ href: '/reports', icon: '📊', label: m.nav.reports, sub: m.nav.tileSub(due), ...(due ? { count: due } : {}) }];
  },
  routes: (app: FastifyInstance) => {
    defineRoute(app, {
      method: 'GET',
      url: '/reports',
      access: guard('report.list', () => ({ type: 'self' as const })),
      handler: async (_req, reply, rc) => {
        const { toSubmit, toFollow } = await overview(rc);
        const manage = (await staffUnits(rc)).filter((u) => can(rc.actor, 'report.template_manage', unitResource(u)));
        return sendPage(reply, <ReportsHomePage rc={rc} toSubmit={toSubmit} toFollow={toFollow} manageUnits={manage} />);
      },
    });

    // Templates.
    defineRoute(app, {
      method: 'GET',
      url: '/reports/templates/new',
      access: guard('report.list', () => ({ type: 'self' as const })),
      handler: async (_req, reply, rc) => {
        const list = (await staffUnits(rc)).filter((u) => can(rc.actor, 'report.template_manage', unitResource(u)));
        if (list.length === 1) return reply.redirect(`/reports/templates/new/${list[0]!.id}`, 303);
        return sendPage(reply, <ChooseUnitPage rc={rc} units={list} />);
      },
    });
    defineRoute<{ unitId: number }>(app, {
      method: 'GET',
      url: '/reports/templates/new/:unitId',
      params: unitParams,
      access: byUnit('report.template_manage'),
      handler: async (req, reply, rc) => {
        const owner = await getUnit(rc.db, req.params.unitId);
        const today = localDate(now());
        return templatePage(rc, reply, owner, { deadlineTime: '15:00', scheduleKind: 'daily', startsOn: today.split('-').reverse().join('/'), scopeUnitId: String(owner.id) }, [], 6);
      },
    });
    defineRoute<{ unitId: number }>(app, {
      method: 'POST',
      url: '/reports/templates/new/:unitId',
      params: unitParams,
      access: byUnit('report.template_manage'),
      handler: async (req, reply, rc) => {
        const m = reportMessages(rc.locale);
        const owner = await getUnit(rc.db, req.params.unitId);
        const body = cleanBody(req.body);
        const rows = Math.min(40, Math.max(1, Number(body.rows) || 6));
        const raw = rawTemplateForm(body, rows);
        if (body.more === '1') return templatePage(rc, reply, owner, valuesOf(body), raw.kinds, Math.min(40, rows + 3));
        const read = readTemplate(raw, rc.locale, now());
        if (!read.ok) return templatePage(rc, reply, owner, valuesOf(body), raw.kinds, rows, read.errors);
        const scopeId = Number(body.scopeUnitId) || owner.id;
        try {
          const t = await createTemplate(rc.db, rc.who, { ...read.value, ownerUnitId: owner.id, scopeUnitId: scopeId }, rc.locale);
          return redirectWithFlash(reply, `/reports/${t.id}/units/${owner.id}`, m.template.created);
        } catch (e) {
          if (!(e instanceof DomainError) || e.code !== 'invalid') throw e;
          return templatePage(rc, reply, owner, valuesOf(body), raw.kinds, rows, domainErrors(e));
        }
      },
    });

    // Submitting.
    defineRoute<{ templateId: number; unitId: number }, PeriodQuery>(app, {
      method: 'GET',
      url: '/reports/:templateId/units/:unitId/submit',
      params: tuParams,
      query: periodQuery,
      access: byUnit('report.submit'),
      handler: async (req, reply, rc) => {
        const m = reportMessages(rc.locale);
        const t = await getTemplate(rc.db, req.params.templateId);
        const unit = await getUnit(rc.db, req.params.unitId);
        if (!(await isTarget(rc.db, t, unit))) throw new DomainError('forbidden', m.errors.notTarget);
        const cur = currentPeriod(t, now());
        const period = req.query.period && isPeriod(t, req.query.period) && req.query.period <= cur ? req.query.period : isPeriod(t, cur) ? cur : (recentPeriods(t, now(), 1)[0] ?? t.startsOn);
        return submitPage(rc, reply, t, unit, period);
      },
    });
    defineRoute<{ templateId: number; unitId: number }>(app, {
      method: 'POST',
      url: '/reports/:templateId/units/:unitId/submit',
      params: tuParams,
      access: byUnit('report.submit'),
      handler: async (req, reply, rc) => {
        const m = reportMessages(rc.locale);
        const t = await getTemplate(rc.db, req.params.templateId);
        const unit = await getUnit(rc.db, req.params.unitId);
        const body = cleanBody(req.body);
        const period = typeof body.period === 'string' ? body.period : '';
        const at = now();
        try {
          const r = await submitReport(rc.db, rc.who, { templateId: t.id, unitId: unit.id, period, raw: body, note: typeof body.note === 'string' ? body.note : null }, { now: at, locale: rc.locale });
          const message = r.kind === 'submitted' ? m.submit.saved(formatDateTime(at), r.late) : r.kind === 'pending' ? m.submit.requested : m.submit.corrected;
          return redirectWithFlash(reply, `/reports/${t.id}/units/${unit.id}/submit?period=${period}`, message);
        } catch (e) {
          if (!(e instanceof DomainError) || (e.code !== 'invalid' && e.code !== 'conflict')) throw e;
          const errors = domainErrors(e);
          if (e.code === 'invalid' && (errors.period || errors._form === m.errors.notTarget)) {
            const shown = isPeriod(t, period) && period <= currentPeriod(t, at) ? period : currentPeriod(t, at);
            if (!(await isTarget(rc.db, t, unit))) throw new DomainError('forbidden', m.errors.notTarget);
            return submitPage(rc, reply, t, unit, isPeriod(t, shown) ? shown : t.startsOn, { values: valuesOf(body), errors }, 422);
          }
          return submitPage(rc, reply, t, unit, period, { values: valuesOf(body), errors }, e.code === 'conflict' ? 409 : 422);
        }
      },
    });

    // The roll-up.
    defineRoute<{ templateId: number; unitId: number }, PeriodQuery>(app, {
      method: 'GET',
      url: '/reports/:templateId/units/:unitId',
      params: tuParams,
      query: periodQuery,
      access: byUnit('report.view'),
      handler: async (req, reply, rc) => rollupPage(rc, reply, await getTemplate(rc.db, req.params.templateId), await getUnit(rc.db, req.params.unitId), req.query),
    });
    defineRoute<{ templateId: number; unitId: number }, z.infer<typeof rangeQuery>>(app, {
      method: 'GET',
      url: '/reports/:templateId/units/:unitId/export.xlsx',
      params: tuParams,
      query: rangeQuery,
      access: byUnit('report.view'),
      handler: async (req, reply, rc) => {
        const t = await getTemplate(rc.db, req.params.templateId);
        const unit = await getUnit(rc.db, req.params.unitId);
        const to = req.query.to ?? localDate(now());
        let from = req.query.from ?? addDays(to, -29);
        if (from > to) from = to;
        if (addDays(from, 800) < to) from = addDays(to, -800);
        const bytes = await rollupWorkbook(rc.db, t, unit, from, to, rc.locale);
        return reply
          .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .header('content-disposition', `attachment; filename="bao-cao-${t.id}-${unit.id}-${from}-${to}.xlsx"`)
          .header('cache-control', 'private, no-store')
          .send(bytes);
      },
    });
    defineRoute<{ templateId: number; unitId: number }>(app, {
      method: 'POST',
      url: '/reports/:templateId/units/:unitId/lock',
      params: tuParams,
      access: byUnit('report.lock'),
      handler: async (req, reply, rc) => {
        const m = reportMessages(rc.locale);
        const body = cleanBody(req.body);
        const period = typeof body.period === 'string' ? body.period : '';
        const back = `/reports/${req.params.templateId}/units/${req.params.unitId}?period=${encodeURIComponent(period)}`;
        try {
          await lockPeriod(rc.db, rc.who, { templateId: req.params.templateId, unitId: req.params.unitId, period }, { now: now(), locale: rc.locale });
        } catch (e) {
          if (!(e instanceof DomainError) || e.code !== 'invalid') throw e;
          return redirectWithFlash(reply, back, e.message);
        }
        return redirectWithFlash(reply, back, m.rollup.lockedDone);
      },
    });
    defineRoute<{ templateId: number; submissionId: number }>(app, {
      method: 'POST',
      url: '/reports/:templateId/corrections/:submissionId',
      params: corrParams,
      // Decided by the unit above the one that submitted (its parent, or higher).
      access: guard('report.lock', async (req: { params: { submissionId: number } }, rc) => {
        const s = await rc.db.select({ unitId: reportSubmissions.unitId }).from(reportSubmissions).where(eq(reportSubmissions.id, req.params.submissionId));
        if (!s[0]) return null;
        const [u] = await rc.db.select({ parentId: units.parentId }).from(units).where(eq(units.id, s[0].unitId));
        return u?.parentId ? loadUnitResource(rc.db, u.parentId) : null;
      }),
      handler: async (req, reply, rc) => {
        const m = reportMessages(rc.locale);
        const s = await getSubmission(rc.db, req.params.submissionId);
        if (s.templateId !== req.params.templateId) throw new DomainError('not_found', 'Không tìm thấy báo cáo.');
        const approve = (cleanBody(req.body) as { decision?: string }).decision === 'approve';
        const [unit] = await rc.db.select({ parentId: units.parentId }).from(units).where(eq(units.id, s.unitId));
        const back = `/reports/${s.templateId}/units/${unit!.parentId}?period=${s.period}`;
        try {
          await reviewCorrection(rc.db, rc.who, s.id, approve, { now: now(), locale: rc.locale });
        } catch (e) {
          if (!(e instanceof DomainError) || e.code !== 'invalid') throw e;
          return redirectWithFlash(reply, back, e.message);
        }
        return redirectWithFlash(reply, back, approve ? m.rollup.approved : m.rollup.rejected);
      },
    });

    // JSON API.
    const aggregates = z.record(z.string(), z.number().nullable());
    defineRoute<{ templateId: number; unitId: number }, PeriodQuery>(app, {
      method: 'GET',
      url: '/api/v1/reports/:templateId/units/:unitId',
      params: tuParams,
      query: periodQuery,
      access: byUnit('report.view'),
      doc: {
        summary: "The roll-up of a periodic report for a unit's subtree: totals, late and missing units (period: yyyy-mm-dd, default the current one)",
        tags: ['reports'],
        response: {
          200: z.object({
            period: z.string(),
            dueAt: z.string(),
            expected: z.number(),
            submitted: z.number(),
            totals: aggregates,
            late: z.array(z.object({ unitId: z.number(), name: z.string(), submittedAt: z.string() })),
            missing: z.array(z.object({ unitId: z.number(), name: z.string() })),
          }),
        },
      },
      handler: async (req, _reply, rc) => {
        const t = await getTemplate(rc.db, req.params.templateId);
        const unit = await getUnit(rc.db, req.params.unitId);
        const at = now();
        const period = req.query.period && isPeriod(t, req.query.period) ? req.query.period : currentPeriod(t, at);
        const r = await periodRollup(rc.db, t, unit, period, at);
        return {
          period: r.period,
          dueAt: r.dueAt.toISOString(),
          expected: r.expected,
          submitted: r.lines.filter((l) => l.values).length,
          totals: r.totals,
          late: r.late.map((l) => ({ unitId: l.unit.id, name: l.unit.name, submittedAt: l.firstSubmittedAt!.toISOString() })),
          missing: r.missing.map((l) => ({ unitId: l.unit.id, name: l.unit.name })),
        };
      },
    });
    defineRoute<{ templateId: number; unitId: number }, z.infer<typeof rangeQuery>>(app, {
      method: 'GET',
      url: '/api/v1/reports/:templateId/units/:unitId/trend',
      params: tuParams,
      query: rangeQuery,
      access: byUnit('report.view'),
      doc: {
        summary: "A periodic report over periods for a unit's subtree: per period, how many units submitted, how many late, and each aggregated field (from, to: yyyy-mm-dd; at most 800 days; default the last 30)",
        tags: ['reports'],
        response: { 200: z.object({ points: z.array(z.object({ period: z.string(), submitted: z.number(), late: z.number(), totals: aggregates })) }) },
      },
      handler: async (req, _reply, rc) => {
        const t = await getTemplate(rc.db, req.params.templateId);
        const unit = await getUnit(rc.db, req.params.unitId);
        const to = req.query.to ?? localDate(now());
        let from = req.query.from ?? addDays(to, -29);
        if (from > to) from = to;
        if (addDays(from, 800) < to) from = addDays(to, -800);
        return { points: await trend(rc.db, t, unit, from, to) };
      },
    });
    defineRoute<{ templateId: number; unitId: number }, unknown, { period: string; values: Record<string, unknown>; note?: string }>(app, {
      method: 'POST',
      url: '/api/v1/reports/:templateId/units/:unitId/submissions',
      params: tuParams,
      body: z.object({ period: isoDay, values: z.record(z.string(), z.unknown()), note: z.string().max(1000).optional() }),
      access: byUnit('report.submit'),
      doc: { summary: "Submit or correct a unit's report for a period (numbers as JSON numbers or as typed, e.g. \"1.081\")", tags: ['reports'], response: { 200: z.object({ id: z.number(), version: z.number(), status: z.string(), late: z.boolean() }) } },
      handler: async (req, _reply, rc) => {
        const raw: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(req.body.values)) raw[k] = typeof v === 'number' ? String(v) : v;
        const r = await submitReport(rc.db, rc.who, { templateId: req.params.templateId, unitId: req.params.unitId, period: req.body.period, raw, note: req.body.note ?? null }, { now: now(), locale: rc.locale });
        return { id: r.submission.id, version: r.submission.version, status: r.submission.status, late: r.late };
      },
    });
  },
};
