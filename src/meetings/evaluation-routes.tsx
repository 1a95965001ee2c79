// Pages of member evaluation: the member's self-assessment, the cell's proposals (with a vote in
// the meeting under way), the grassroots committee's decisions with the 20% warning, the
// committees' roll-up, and the score bands for system administrators.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { and, eq } from 'drizzle-orm';
import type { RequestContext } from '../core/http/context.ts';
import { defineRoute, guard } from '../core/http/routes.ts';
import { redirectWithFlash, sendPage } from '../core/http/render.ts';
import { cleanBody, type FieldErrors } from '../core/http/forms.ts';
import { DomainError } from '../core/errors.ts';
import { can } from '../core/policy/policy.ts';
import { loadUnitResource, unitResource } from '../core/policy/resources.ts';
import { todayIso } from '../core/i18n/i18n.ts';
import { Layout } from '../core/layout/Layout.tsx';
import { Breadcrumbs, ErrorSummary, Field, Form } from '../core/layout/components.tsx';
import { getUnit } from '../org/tree.ts';
import type { Unit } from '../org/schema.ts';
import { EVALUATION_LEVELS, meetings, type EvaluationLevel } from './schema.ts';
import { evaluationMessages } from './evaluation-messages.ts';
import { approveRatings, CapWarning, capAfter, checkBands, getBands, grassrootsOf, linkVote, listEvaluations, propose, ratingRollup, saveSelf, setBands, type Bands, type EvaluationInput, type EvaluationRow } from './evaluation.ts';
import { createQuestion, getQuestion, resultOf } from './votes.ts';
import { getRoster } from './meetings.ts';
import { TextArea } from '../core/layout/components.tsx';

const MAX_ID = 2_147_483_647;
const idParams = z.object({ id: z.coerce.number().int().positive().max(MAX_ID) });
const personParams = z.object({ id: z.coerce.number().int().positive().max(MAX_ID), personId: z.coerce.number().int().positive().max(MAX_ID) });
const yearQuery = z.object({ year: z.coerce.number().int().min(2000).max(2200).optional().catch(undefined) });
type Id = { id: number };
type YearQ = { year?: number };

const em = (rc: RequestContext) => evaluationMessages(rc.locale);
const str = (v: unknown): string => (typeof v === 'string' ? v : Array.isArray(v) ? String(v[0] ?? '') : '');
const thisYear = () => Number(todayIso().slice(0, 4));
const byUnit = (action: 'evaluation.cell' | 'evaluation.approve' | 'meeting.rollup') => guard(action as 'evaluation.cell', (req: { params: Id }, rc) => loadUnitResource(rc.db, req.params.id));

function readInput(body: unknown): EvaluationInput {
  const b = cleanBody(body);
  const score = str(b.score);
  const level = str(b.level);
  return {
    score: score === '' ? null : /^\d{1,3}$/.test(score) ? Number(score) : Number.NaN,
    level: EVALUATION_LEVELS.includes(level as EvaluationLevel) ? (level as EvaluationLevel) : null,
    text: str(b.text) || null,
  };
}

function BandsList(p: { rc: RequestContext; bands: Bands }) {
  const m = em(p.rc);
  const b = p.bands;
  return (
    <ul>
      <li>
        {m.levels.excellent}: {m.bandLine(b.excellent, null)}
      </li>
      <li>
        {m.levels.good}: {m.bandLine(b.good, b.excellent - 1)}
      </li>
      <li>
        {m.levels.fulfilled}: {m.bandLine(b.fulfilled, b.good - 1)}
      </li>
      <li>
        {m.levels.unfulfilled}: {m.bandLine(0, b.fulfilled - 1)}
      </li>
    </ul>
  );
}

function LevelChoice(p: { rc: RequestContext; name?: string; idPrefix: string; value: EvaluationLevel | null | undefined; legend: string }) {
  const m = em(p.rc);
  return (
    <fieldset class="meet-answer">
      <legend>{p.legend}</legend>
      {EVALUATION_LEVELS.map((l) => (
        <div class="check" key={l}>
          <input type="radio" id={`${p.idPrefix}-${l}`} name={p.name ?? 'level'} value={l} checked={p.value === l} required />
          <label for={`${p.idPrefix}-${l}`}>{m.levels[l]}</label>
        </div>
      ))}
    </fieldset>
  );
}

const levelText = (rc: RequestContext, l: EvaluationLevel | null | undefined, score?: number | null) => (l ? `${em(rc).levels[l]}${score != null ? ` (${score})` : ''}` : em(rc).self.none);

function SelfPage(p: { rc: RequestContext; year: number; row: EvaluationRow | null; bands: Bands; errors?: FieldErrors }) {
  const { rc, row } = p;
  const m = em(rc);
  const e = row?.evaluation ?? null;
  return (
    <Layout rc={rc} title={m.self.title(p.year)}>
      <h1>{m.self.title(p.year)}</h1>
      <p>{m.self.intro}</p>
      <h2>{m.self.bands}</h2>
      <BandsList rc={rc} bands={p.bands} />
      <ErrorSummary rc={rc} errors={p.errors} />
      {!row ? (
        <p>{m.self.noCell}</p>
      ) : e?.finalLevel ? (
        <p class="meet-ok">{m.self.locked}</p>
      ) : (
        <Form rc={rc} action={`/evaluation?year=${p.year}`}>
          <Field name="score" label={m.self.score} value={e?.selfScore != null ? String(e.selfScore) : ''} inputMode="numeric" maxLength={3} errors={p.errors} />
          <LevelChoice rc={rc} idPrefix="self" value={e?.selfLevel} legend={m.self.level} />
          <TextArea name="text" label={m.self.text} value={e?.selfText ?? ''} rows={8} maxLength={20000} />
          <button type="submit" class="primary">
            {m.self.save}
          </button>
        </Form>
      )}
      {row ? (
        <dl class="record">
          <dt>{m.self.proposed}</dt>
          <dd>{levelText(rc, e?.proposedLevel, e?.cellScore)}</dd>
          <dt>{m.self.final}</dt>
          <dd>{levelText(rc, e?.finalLevel)}</dd>
        </dl>
      ) : null}
    </Layout>
  );
}

function YearForm(p: { rc: RequestContext; action: string; year: number }) {
  const m = em(p.rc);
  return (
    <Form rc={p.rc} action={p.action} method="get" class="filters">
      <Field name="year" label={m.cell.year} value={String(p.year)} inputMode="numeric" maxLength={4} />
      <button type="submit">{m.cell.show}</button>
    </Form>
  );
}

function CellPage(p: { rc: RequestContext; unit: Unit; year: number; rows: EvaluationRow[]; votes: Map<number, string>; liveMeetingId: number | null; errors?: FieldErrors }) {
  const { rc, unit } = p;
  const m = em(rc);
  return (
    <Layout rc={rc} title={m.cell.title(unit.name, p.year)}>
      <Breadcrumbs items={[{ href: `/units/${unit.id}`, label: unit.name }, { href: `/units/${unit.id}/meetings`, label: m.cell.link }, { label: String(p.year) }]} />
      <h1>{m.cell.title(unit.name, p.year)}</h1>
      <YearForm rc={rc} action={`/units/${unit.id}/evaluations`} year={p.year} />
      <ErrorSummary rc={rc} errors={p.errors} />
      {p.liveMeetingId == null ? <p class="muted">{m.cell.noMeeting}</p> : null}
      <ol class="list">
        {p.rows.map((r) => {
          const e = r.evaluation;
          const base = `/units/${unit.id}/evaluations/${r.personId}?year=${p.year}`;
          return (
            <li key={r.personId}>
              <h2 class="meet-big">
                {r.fullName}{' '}
                {r.standing === 'probationary' ? <span class="tag">{m.cell.probationaryTag}</span> : null}
                {r.exempt ? <span class="tag">{m.cell.exemptTag}</span> : null}
              </h2>
              <dl class="record">
                <dt>{m.cell.selfCol}</dt>
                <dd>{levelText(rc, e?.selfLevel, e?.selfScore)}</dd>
                <dt>{m.cell.proposedCol}</dt>
                <dd>
                  {levelText(rc, e?.proposedLevel, e?.cellScore)}
                  {p.votes.get(r.personId) ? ` — ${p.votes.get(r.personId)}` : ''}
                </dd>
                <dt>{m.cell.finalCol}</dt>
                <dd>{levelText(rc, e?.finalLevel)}</dd>
              </dl>
              {e?.finalLevel ? null : (
                <>
                  <details>
                    <summary>{m.cell.propose}</summary>
                    <Form rc={rc} action={base}>
                      <Field name="score" label={m.cell.score} value={e?.cellScore != null ? String(e.cellScore) : ''} inputMode="numeric" maxLength={3} />
                      <LevelChoice rc={rc} idPrefix={`p${r.personId}`} value={e?.proposedLevel ?? e?.selfLevel} legend={m.cell.level} />
                      <TextArea name="text" id={`f-note-${r.personId}`} label={m.cell.note} value={e?.cellNote ?? ''} rows={3} maxLength={20000} />
                      <button type="submit">{m.cell.propose}</button>
                    </Form>
                  </details>
                  <details>
                    <summary>{m.cell.recordSelf}</summary>
                    <Form rc={rc} action={`/units/${unit.id}/evaluations/${r.personId}/self?year=${p.year}`}>
                      <Field name="score" label={em(rc).self.score} value={e?.selfScore != null ? String(e.selfScore) : ''} inputMode="numeric" maxLength={3} />
                      <LevelChoice rc={rc} idPrefix={`s${r.personId}`} value={e?.selfLevel} legend={m.self.level} />
                      <TextArea name="text" id={`f-self-${r.personId}`} label={m.self.text} value={e?.selfText ?? ''} rows={3} maxLength={20000} />
                      <button type="submit">{m.self.save}</button>
                    </Form>
                  </details>
                  {e?.proposedLevel && p.liveMeetingId != null ? (
                    <Form rc={rc} action={`/units/${unit.id}/evaluations/${r.personId}/vote?year=${p.year}`}>
                      <button type="submit">{m.cell.vote}</button>
                    </Form>
                  ) : null}
                </>
              )}
            </li>
          );
        })}
      </ol>
    </Layout>
  );
}

function ApprovalPage(p: { rc: RequestContext; unit: Unit; year: number; rows: EvaluationRow[]; cap: { excellent: number; good: number; limit: number }; warning?: string; chosen?: Map<number, string> }) {
  const { rc, unit } = p;
  const m = em(rc);
  const proposed = p.rows.filter((r) => r.evaluation?.proposedLevel || r.evaluation?.finalLevel);
  return (
    <Layout rc={rc} title={m.approval.title(unit.name, p.year)}>
      <Breadcrumbs items={[{ href: `/units/${unit.id}`, label: unit.name }, { label: m.approval.link }]} />
      <h1>{m.approval.title(unit.name, p.year)}</h1>
      <YearForm rc={rc} action={`/units/${unit.id}/evaluation-approval`} year={p.year} />
      <p>{m.approval.intro}</p>
      <p class="meet-big">{m.approval.counts(p.cap.excellent, p.cap.good, p.cap.limit)}</p>
      {p.warning ? (
        <div class="error-summary" role="alert" tabIndex={-1} id="error-summary">
          <p>
            <strong>{p.warning}</strong>
          </p>
        </div>
      ) : null}
      {proposed.length === 0 ? (
        <p>{m.approval.nothing}</p>
      ) : (
        <Form rc={rc} action={`/units/${unit.id}/evaluation-approval?year=${p.year}`}>
          <ol class="list">
            {proposed.map((r) => {
              const chosen = p.chosen?.get(r.personId) ?? r.evaluation?.finalLevel ?? r.evaluation?.proposedLevel ?? '';
              return (
                <li key={r.personId}>
                  <input type="hidden" name="person" value={String(r.personId)} />
                  <div class="field">
                    <label for={`f-final-${r.personId}`}>
                      {r.fullName} <span class="muted">({r.cellName})</span>
                    </label>
                    <p class="hint" id={`f-final-${r.personId}-hint`}>
                      {m.cell.selfCol}: {levelText(rc, r.evaluation?.selfLevel, r.evaluation?.selfScore)}. {m.cell.proposedCol}: {levelText(rc, r.evaluation?.proposedLevel, r.evaluation?.cellScore)}.
                    </p>
                    <select id={`f-final-${r.personId}`} name={`final-${r.personId}`} aria-describedby={`f-final-${r.personId}-hint`}>
                      <option value="">{m.approval.keep}</option>
                      {EVALUATION_LEVELS.map((l) => (
                        <option key={l} value={l} selected={chosen === l}>
                          {m.levels[l]}
                        </option>
                      ))}
                    </select>
                  </div>
                </li>
              );
            })}
          </ol>
          {p.warning ? (
            <div class="check">
              <input type="checkbox" id="f-confirm" name="confirmCap" value="1" />
              <label for="f-confirm">{m.approval.confirm}</label>
            </div>
          ) : null}
          <button type="submit" class="primary">
            {m.approval.save}
          </button>
        </Form>
      )}
    </Layout>
  );
}

export function evaluationRoutes(app: FastifyInstance): void {
  // The member's own self-assessment.
  const ownPage = async (rc: RequestContext, year: number, errors?: FieldErrors) => {
    const cellId = rc.actor!.membership?.unitId;
    const rows = cellId ? await listEvaluations(rc.db, { cellId }, year) : [];
    const row = rows.find((r) => r.personId === rc.actor!.personId) ?? null;
    return <SelfPage rc={rc} year={year} row={row} bands={await getBands(rc.db)} {...(errors ? { errors } : {})} />;
  };
  defineRoute<unknown, YearQ>(app, {
    method: 'GET',
    url: '/evaluation',
    query: yearQuery,
    access: guard('evaluation.self', () => ({ type: 'self' as const })),
    handler: async (req, reply, rc) => sendPage(reply, await ownPage(rc, req.query.year ?? thisYear())),
  });
  defineRoute<unknown, YearQ>(app, {
    method: 'POST',
    url: '/evaluation',
    query: yearQuery,
    access: guard('evaluation.self', () => ({ type: 'self' as const })),
    handler: async (req, reply, rc) => {
      const year = req.query.year ?? thisYear();
      try {
        await rc.db.transaction((tx) => saveSelf(tx, rc.who, { personId: rc.actor!.personId, cellId: rc.actor!.membership!.unitId, year, input: readInput(req.body), onBehalf: false }, rc.locale));
      } catch (e) {
        if (!(e instanceof DomainError) || e.code === 'forbidden') throw e;
        return sendPage(reply, await ownPage(rc, year, { _form: e.message }), e.status);
      }
      return redirectWithFlash(reply, `/evaluation?year=${year}`, em(rc).self.saved);
    },
  });

  // The cell's proposals.
  const cellPage = async (rc: RequestContext, unitId: number, year: number, errors?: FieldErrors) => {
    const unit = await getUnit(rc.db, unitId);
    const rows = await listEvaluations(rc.db, { cellId: unit.id }, year);
    const votes = new Map<number, string>();
    for (const r of rows) {
      const qid = r.evaluation?.questionId;
      if (!qid) continue;
      const q = await getQuestion(rc.db, qid);
      if (!q) continue;
      const res = await resultOf(rc.db, q, await getRoster(rc.db, q.meetingId));
      votes.set(r.personId, em(rc).cell.voteResult(res.counts?.agree ?? 0, res.answered));
    }
    const [live] = await rc.db.select({ id: meetings.id }).from(meetings).where(and(eq(meetings.unitId, unit.id), eq(meetings.status, 'in_progress'))).limit(1);
    return <CellPage rc={rc} unit={unit} year={year} rows={rows} votes={votes} liveMeetingId={live?.id ?? null} {...(errors ? { errors } : {})} />;
  };
  defineRoute<Id, YearQ>(app, {
    method: 'GET',
    url: '/units/:id/evaluations',
    params: idParams,
    query: yearQuery,
    access: byUnit('evaluation.cell'),
    handler: async (req, reply, rc) => sendPage(reply, await cellPage(rc, req.params.id, req.query.year ?? thisYear())),
  });
  for (const [suffix, kind] of [
    ['', 'propose'],
    ['/self', 'self'],
  ] as const) {
    defineRoute<{ id: number; personId: number }, YearQ>(app, {
      method: 'POST',
      url: `/units/:id/evaluations/:personId${suffix}`,
      params: personParams,
      query: yearQuery,
      access: byUnit('evaluation.cell'),
      handler: async (req, reply, rc) => {
        const year = req.query.year ?? thisYear();
        const input = readInput(req.body);
        const a = { personId: req.params.personId, cellId: req.params.id, year, input };
        try {
          await rc.db.transaction((tx) => (kind === 'propose' ? propose(tx, rc.who, a, rc.locale) : saveSelf(tx, rc.who, { ...a, onBehalf: true }, rc.locale)));
        } catch (e) {
          if (!(e instanceof DomainError) || e.code === 'forbidden') throw e;
          return sendPage(reply, await cellPage(rc, req.params.id, year, { _form: e.message }), e.status);
        }
        const name = (await listEvaluations(rc.db, { cellId: req.params.id }, year)).find((r) => r.personId === req.params.personId)?.fullName ?? '';
        return redirectWithFlash(reply, `/units/${req.params.id}/evaluations?year=${year}`, kind === 'propose' ? em(rc).cell.proposed(name) : em(rc).cell.recordedSelf(name));
      },
    });
  }
  defineRoute<{ id: number; personId: number }, YearQ>(app, {
    method: 'POST',
    url: '/units/:id/evaluations/:personId/vote',
    params: personParams,
    query: yearQuery,
    access: byUnit('evaluation.cell'),
    handler: async (req, reply, rc) => {
      const year = req.query.year ?? thisYear();
      const m = em(rc);
      const row = (await listEvaluations(rc.db, { cellId: req.params.id }, year)).find((r) => r.personId === req.params.personId);
      const [live] = await rc.db.select({ id: meetings.id }).from(meetings).where(and(eq(meetings.unitId, req.params.id), eq(meetings.status, 'in_progress'))).limit(1);
      if (!row?.evaluation?.proposedLevel || !live) return sendPage(reply, await cellPage(rc, req.params.id, year, { _form: m.cell.noMeeting }), 409);
      const level = evaluationMessages('vi').levels[row.evaluation.proposedLevel];
      await rc.db.transaction(async (tx) => {
        const q = await createQuestion(tx, rc.who, live.id, { kind: 'agree', prompt: evaluationMessages('vi').cell.voteQuestion(row.fullName, level), options: [], ratingMax: null, secret: false, resolution: true }, rc.locale);
        await linkVote(tx, rc.who, { personId: row.personId, cellId: req.params.id, year, questionId: q.id });
      });
      return redirectWithFlash(reply, `/meetings/${live.id}#h-questions`, m.cell.voteCreated);
    },
  });

  // The grassroots committee's decisions.
  const approvalPage = async (rc: RequestContext, unit: Unit, year: number, extra: { warning?: string; chosen?: Map<number, string> } = {}) => {
    const rows = await listEvaluations(rc.db, { subtreePath: unit.path }, year);
    const cap = await capAfter(rc.db, unit, year, []);
    return <ApprovalPage rc={rc} unit={unit} year={year} rows={rows} cap={cap} {...extra} />;
  };
  defineRoute<Id, YearQ>(app, {
    method: 'GET',
    url: '/units/:id/evaluation-approval',
    params: idParams,
    query: yearQuery,
    access: byUnit('evaluation.approve'),
    handler: async (req, reply, rc) => sendPage(reply, await approvalPage(rc, await getUnit(rc.db, req.params.id), req.query.year ?? thisYear())),
  });
  defineRoute<Id, YearQ>(app, {
    method: 'POST',
    url: '/units/:id/evaluation-approval',
    params: idParams,
    query: yearQuery,
    access: byUnit('evaluation.approve'),
    handler: async (req, reply, rc) => {
      const unit = await getUnit(rc.db, req.params.id);
      const year = req.query.year ?? thisYear();
      const body = (req.body ?? {}) as Record<string, unknown>;
      const persons = (Array.isArray(body.person) ? body.person : [body.person]).map(String).filter((x) => /^\d+$/.test(x));
      const decisions = persons.map((p) => ({ personId: Number(p), level: str(body[`final-${p}`]) as EvaluationLevel })).filter((d) => EVALUATION_LEVELS.includes(d.level));
      const chosen = new Map(decisions.map((d) => [d.personId, d.level as string]));
      try {
        const cap = await rc.db.transaction((tx) => approveRatings(tx, rc.who, { grassroots: unit, year, decisions, confirmCap: str(body.confirmCap) === '1' }, rc.locale));
        return redirectWithFlash(reply, `/units/${unit.id}/evaluation-approval?year=${year}`, cap.exceeded ? em(rc).approval.savedOverCap(decisions.length) : em(rc).approval.saved(decisions.length));
      } catch (e) {
        if (e instanceof CapWarning) return sendPage(reply, await approvalPage(rc, unit, year, { warning: e.message, chosen }), 409);
        if (e instanceof DomainError && e.code !== 'forbidden') return sendPage(reply, await approvalPage(rc, unit, year, { warning: e.message, chosen }), e.status);
        throw e;
      }
    },
  });

  // Roll-up for committees.
  defineRoute<Id, YearQ>(app, {
    method: 'GET',
    url: '/units/:id/evaluation-rollup',
    params: idParams,
    query: yearQuery,
    access: byUnit('meeting.rollup'),
    handler: async (req, reply, rc) => {
      const unit = await getUnit(rc.db, req.params.id);
      const year = req.query.year ?? thisYear();
      const m = em(rc);
      const rows = await ratingRollup(rc.db, unit.path, year);
      const total = rows.reduce((t, r) => ({ members: t.members + r.members, self: t.self + r.self, proposed: t.proposed + r.proposed, excellent: t.excellent + r.excellent, good: t.good + r.good, fulfilled: t.fulfilled + r.fulfilled, unfulfilled: t.unfulfilled + r.unfulfilled }), { members: 0, self: 0, proposed: 0, excellent: 0, good: 0, fulfilled: 0, unfulfilled: 0 });
      const canApprove = can(rc.actor, 'evaluation.approve', unitResource(unit));
      return sendPage(
        reply,
        <Layout rc={rc} title={m.rollup.title(unit.name, year)}>
          <Breadcrumbs items={[{ href: `/units/${unit.id}`, label: unit.name }, { label: m.rollup.link }]} />
          <h1>{m.rollup.title(unit.name, year)}</h1>
          <YearForm rc={rc} action={`/units/${unit.id}/evaluation-rollup`} year={year} />
          {canApprove ? (
            <p>
              <a href={`/units/${unit.id}/evaluation-approval?year=${year}`}>{m.approval.link}</a>
            </p>
          ) : null}
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{m.rollup.cell}</th>
                  <th scope="col">{m.rollup.members}</th>
                  <th scope="col">{m.rollup.self}</th>
                  <th scope="col">{m.rollup.proposed}</th>
                  {EVALUATION_LEVELS.map((l) => (
                    <th scope="col" key={l}>
                      {m.levels[l]}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.unitId}>
                    <th scope="row">{r.unitName}</th>
                    <td>{r.members}</td>
                    <td>{r.self}</td>
                    <td>{r.proposed}</td>
                    <td>{r.excellent}</td>
                    <td>{r.good}</td>
                    <td>{r.fulfilled}</td>
                    <td>{r.unfulfilled}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">{m.rollup.total}</th>
                  <td>{total.members}</td>
                  <td>{total.self}</td>
                  <td>{total.proposed}</td>
                  <td>{total.excellent}</td>
                  <td>{total.good}</td>
                  <td>{total.fulfilled}</td>
                  <td>{total.unfulfilled}</td>
                </tr>
              </tfoot>
            </table>
          </div>
        </Layout>,
      );
    },
  });

  // The score bands (configurable rules).
  const rulesPage = async (rc: RequestContext, bands: Bands, errors?: FieldErrors) => {
    const m = em(rc).rules;
    const v = { excellent: String(bands.excellent), good: String(bands.good), fulfilled: String(bands.fulfilled) };
    return (
      <Layout rc={rc} title={m.title}>
        <Breadcrumbs items={[{ href: '/admin', label: rc.t.nav.admin }, { label: m.title }]} />
        <h1>{m.title}</h1>
        <p>{m.intro}</p>
        <ErrorSummary rc={rc} errors={errors} />
        <Form rc={rc} action="/admin/evaluation-rules">
          <Field name="excellent" label={m.excellent} values={v} inputMode="numeric" maxLength={3} required />
          <Field name="good" label={m.good} values={v} inputMode="numeric" maxLength={3} required />
          <Field name="fulfilled" label={m.fulfilled} values={v} inputMode="numeric" maxLength={3} required />
          <button type="submit" class="primary">
            {m.save}
          </button>
        </Form>
      </Layout>
    );
  };
  const rules = guard('evaluation.rules', () => ({ type: 'system' as const }));
  defineRoute(app, { method: 'GET', url: '/admin/evaluation-rules', access: rules, handler: async (_req, reply, rc) => sendPage(reply, await rulesPage(rc, await getBands(rc.db))) });
  defineRoute(app, {
    method: 'POST',
    url: '/admin/evaluation-rules',
    access: rules,
    handler: async (req, reply, rc) => {
      const b = cleanBody(req.body);
      const bands = { excellent: Number(str(b.excellent)), good: Number(str(b.good)), fulfilled: Number(str(b.fulfilled)) };
      const problem = checkBands(bands, rc.locale);
      if (problem) return sendPage(reply, await rulesPage(rc, bands, { _form: problem }), 422);
      await rc.db.transaction((tx) => setBands(tx, rc.who, bands, rc.locale));
      return redirectWithFlash(reply, '/admin/evaluation-rules', em(rc).rules.saved);
    },
  });
}

/** Links for the grassroots committee and the cell (used by the meetings pages). */
export async function evaluationLinks(rc: RequestContext, cell: Unit): Promise<{ href: string; label: string }[]> {
  const m = em(rc);
  const out: { href: string; label: string }[] = [];
  if (rc.actor?.membership?.unitId === cell.id) out.push({ href: '/evaluation', label: m.cell.selfLink });
  if (can(rc.actor, 'evaluation.cell', unitResource(cell))) out.push({ href: `/units/${cell.id}/evaluations`, label: m.cell.link });
  const g = await grassrootsOf(rc.db, cell);
  if (g.id !== cell.id && can(rc.actor, 'meeting.rollup', unitResource(g))) out.push({ href: `/units/${g.id}/evaluation-rollup`, label: m.rollup.link });
  return out;
}
