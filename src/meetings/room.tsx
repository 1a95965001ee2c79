// The questions part of the meeting room: the answer forms (large choices, one tap), the live
// results, the secretary's controls and the page to record answers for members without a phone;
// and the numbers pushed live to every browser in the room.
import type { RequestContext } from '../core/http/context.ts';
import type { Db } from '../core/db/client.ts';
import type { FieldErrors, FormValues } from '../core/http/forms.ts';
import { Layout } from '../core/layout/Layout.tsx';
import { ErrorSummary, Field, Form, SelectField } from '../core/layout/components.tsx';
import { can } from '../core/policy/policy.ts';
import { formatNumber } from '../core/i18n/i18n.ts';
import type { Unit } from '../org/schema.ts';
import { QUESTION_KINDS, type AnswerValue, type Meeting, type Question } from './schema.ts';
import { loadMeetingResource, type RosterEntry } from './meetings.ts';
import { quorum } from './quorum.ts';
import { AGREE_CHOICES, listQuestions, mayAnswer, namedAnswers, ownAnswer, participants, resultOf, type Result } from './votes.ts';
import { TextArea } from '../core/layout/components.tsx';
import { MeetingCrumbs, mm, type MeetingMessages } from './views.tsx';
import { currentMinutes } from './minutes.ts';
import type { RoomExtension } from './routes.tsx';

/** A message with a number, as a template the live script fills in ("{n}"). */
const SENTINEL = 987654321;
const tpl = (fn: (n: number) => string) => fn(SENTINEL).replace(String(SENTINEL), '{n}');

export function answerLabel(m: MeetingMessages, q: Pick<Question, 'kind' | 'options'>, a: AnswerValue): string {
  if ('choice' in a) return m.choices[a.choice];
  if ('option' in a) return q.options[a.option] ?? '';
  if ('options' in a) return a.options.map((o) => q.options[o] ?? '').join('; ');
  if ('rating' in a) return m.room.ratingLabel(a.rating);
  return a.text;
}

function countLabels(m: MeetingMessages, q: Question): { key: string; label: string }[] {
  if (q.kind === 'agree') return AGREE_CHOICES.map((k) => ({ key: k, label: m.choices[k] }));
  if (q.kind === 'rating') return Array.from({ length: q.ratingMax ?? 5 }, (_, i) => ({ key: String(i + 1), label: m.room.ratingLabel(i + 1) }));
  if (q.kind === 'text') return [];
  return q.options.map((o, i) => ({ key: String(i), label: o }));
}

/** The choices of a question as form controls (radio buttons, check boxes, a text box). */
export function AnswerControls(p: { m: MeetingMessages; q: Question; prefix?: string }) {
  const { m, q } = p;
  const id = (s: string) => `${p.prefix ?? 'q'}${q.id}-${s}`;
  if (q.kind === 'text') return <TextArea name="text" id={id('text')} label={m.room.textLabel} rows={3} maxLength={500} required />;
  const items = countLabels(m, q);
  const name = q.kind === 'agree' ? 'choice' : q.kind === 'rating' ? 'rating' : q.kind === 'single' ? 'option' : 'options';
  const type = q.kind === 'multiple' ? 'checkbox' : 'radio';
  return (
    <>
      {items.map((it) => (
        <div class="check" key={it.key}>
          <input type={type} id={id(it.key)} name={name} value={it.key} required={type === 'radio'} />
          <label for={id(it.key)}>{it.label}</label>
        </div>
      ))}
    </>
  );
}

function Results(p: { rc: RequestContext; q: Question; r: Result; rule: string | null }) {
  const m = mm(p.rc);
  const { q, r } = p;
  const half = r.verdict ? formatNumber(r.verdict.half, p.rc.locale) : null;
  return (
    <div class="meet-result" aria-live="polite">
      <p class="meet-big">
        <span data-k="answered" data-tpl={q.secret ? tpl((n) => m.room.votedCount(n, r.eligible)) : tpl((n) => m.room.answeredCount(n, r.eligible))}>
          {q.secret ? m.room.votedCount(r.answered, r.eligible) : m.room.answeredCount(r.answered, r.eligible)}
        </span>
      </p>
      {r.hidden ? <p class="muted">{m.room.hidden}</p> : null}
      {r.counts ? (
        <ul class="meet-results">
          {countLabels(m, q).map((it) => (
            <li key={it.key}>
              <span>{it.label}</span>
              <span class="n" data-k={`c-${it.key}`}>
                {r.counts![it.key] ?? 0}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      {r.average != null ? (
        <p>
          <span data-k="avg" data-tpl={m.room.average('{n}')}>
            {m.room.average(formatNumber(r.average, p.rc.locale))}
          </span>
        </p>
      ) : null}
      {r.texts && r.texts.length ? (
        <ul>
          {r.texts.map((t, i) => (
            <li key={i}>{t}</li>
          ))}
        </ul>
      ) : null}
      {r.verdict && q.status === 'closed' ? (
        <p class={`meet-verdict ${r.verdict.passed ? 'meet-ok' : 'meet-warn'}`}>
          {r.verdict.passed ? m.room.passed : m.room.failed}: {m.verdictLine(r.verdict.votesFor, r.verdict.base, half!, r.verdict.passed)}
        </p>
      ) : null}
      {p.rule ? <p class="muted">{p.rule}</p> : null}
    </div>
  );
}

type QuestionView = { q: Question; result: Result; rule: string | null; mine: 'answered' | 'voted' | 'may' | 'not_present' | 'not_voter' | 'none'; own: AnswerValue | null; detail: { personId: number; fullName: string; label: string; onBehalf: boolean }[] | null; voters: { fullName: string; onBehalf: boolean }[] | null };

function QuestionCard(p: { rc: RequestContext; meeting: Meeting; v: QuestionView; run: boolean; recordFor: boolean }) {
  const { rc, meeting, v } = p;
  const m = mm(rc);
  const q = v.q;
  const base = `/meetings/${meeting.id}/questions/${q.id}`;
  return (
    <article class="card meet-question" data-q={String(q.id)} aria-labelledby={`q${q.id}-h`}>
      <h3 id={`q${q.id}-h`}>{q.prompt}</h3>
      <p>
        <span class="tag">{m.questionKinds[q.kind]}</span>
        {q.secret ? <span class="tag">{m.room.secretTag}</span> : null}
        {q.resolution ? <span class="tag">{m.room.resolutionTag}</span> : null}
        <span class="tag">{m.questionStatuses[q.status]}</span>
      </p>
      {q.status === 'open' && v.mine === 'may' ? (
        <Form rc={rc} action={`${base}/answer`}>
          <fieldset class="meet-answer">
            <legend>{m.room.yourAnswer}</legend>
            <AnswerControls m={m} q={q} />
          </fieldset>
          <button type="submit" class="primary">
            {q.resolution ? m.room.vote : m.room.answer}
          </button>
        </Form>
      ) : null}
      {v.mine === 'answered' ? (
        <p class="meet-ok">
          {m.room.youAnswered}
          {v.own ? ` ${answerLabel(m, q, v.own)}` : ''}
        </p>
      ) : null}
      {v.mine === 'voted' ? <p class="meet-ok">{m.room.youVotedSecret}</p> : null}
      {q.status === 'open' && v.mine === 'not_present' ? <p class="muted">{m.room.cannotAnswer}</p> : null}
      {q.status === 'open' && v.mine === 'not_voter' ? <p class="muted">{m.room.cannotVote}</p> : null}
      {q.status !== 'draft' ? <Results rc={rc} q={q} r={v.result} rule={v.rule} /> : null}
      {p.run ? (
        <div class="actions">
          {q.status === 'draft' && meeting.status === 'in_progress' ? (
            <Form rc={rc} action={`${base}/open`} class="inline">
              <button type="submit" class="primary">
                {m.room.open}
              </button>
            </Form>
          ) : null}
          {q.status === 'open' ? (
            <Form rc={rc} action={`${base}/close`} class="inline" confirm={m.room.closeConfirm}>
              <button type="submit">{m.room.close}</button>
            </Form>
          ) : null}
          {q.status === 'open' && p.recordFor ? (
            <a class="button" href={`${base}/record`}>
              {m.room.recordFor}
            </a>
          ) : null}
        </div>
      ) : null}
      {v.detail && v.detail.length ? (
        <details>
          <summary>{m.room.whoAnswered}</summary>
          <ul>
            {v.detail.map((d) => (
              <li key={d.personId}>
                {d.fullName}: {d.label}
                {d.onBehalf ? ` (${m.room.onBehalfTag})` : ''}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      {v.voters && v.voters.length ? (
        <details>
          <summary>{m.room.whoVoted}</summary>
          <ul>
            {v.voters.map((d, i) => (
              <li key={i}>
                {d.fullName}
                {d.onBehalf ? ` (${m.room.onBehalfTag})` : ''}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </article>
  );
}

function NewQuestionForm(p: { rc: RequestContext; meeting: Meeting; values?: FormValues; errors?: FieldErrors }) {
  const m = mm(p.rc);
  const v = p.values ?? {};
  return (
    <details open={!!p.errors}>
      <summary>{m.room.newQuestion}</summary>
      <Form rc={p.rc} action={`/meetings/${p.meeting.id}/questions`}>
        <ErrorSummary rc={p.rc} errors={p.errors} labels={{ prompt: m.room.prompt, options: m.room.options, ratingMax: m.room.ratingMax }} />
        <TextArea name="prompt" label={m.room.prompt} value={v.prompt} errors={p.errors} rows={2} maxLength={500} required />
        <SelectField name="kind" label={m.room.questionKind} values={v} errors={p.errors} options={QUESTION_KINDS.map((k) => ({ value: k, label: m.questionKinds[k] }))} />
        <TextArea name="options" label={m.room.options} value={v.options} errors={p.errors} rows={4} />
        <Field name="ratingMax" label={m.room.ratingMax} value={v.ratingMax ?? '5'} errors={p.errors} inputMode="numeric" maxLength={2} />
        <div class="check">
          <input type="checkbox" id="f-secret" name="secret" value="1" checked={v.secret === '1'} />
          <label for="f-secret">{m.room.secret}</label>
        </div>
        <div class="check">
          <input type="checkbox" id="f-resolution" name="resolution" value="1" checked={v.resolution === '1'} />
          <label for="f-resolution">{m.room.resolution}</label>
        </div>
        <button type="submit" class="primary">
          {m.room.createQuestion}
        </button>
      </Form>
    </details>
  );
}

async function views(db: Db, rc: RequestContext | null, meeting: Meeting, roster: RosterEntry[], opts: { run: boolean }): Promise<QuestionView[]> {
  const m = rc ? mm(rc) : null;
  const me = rc?.actor ? roster.find((r) => r.personId === rc.actor!.personId) : undefined;
  const names = new Map(roster.map((r) => [r.personId, r.fullName]));
  const out: QuestionView[] = [];
  for (const q of await listQuestions(db, meeting.id)) {
    if (q.status === 'draft' && !opts.run) continue;
    const result = await resultOf(db, q, roster);
    const taken = await participants(db, q);
    let mine: QuestionView['mine'] = 'none';
    let own: AnswerValue | null = null;
    if (me) {
      if (taken.has(me.personId)) {
        mine = q.secret ? 'voted' : 'answered';
        own = q.secret ? null : await ownAnswer(db, q.id, me.personId);
      } else if (mayAnswer(q, me)) mine = 'may';
      else mine = me.attendance === 'present' ? 'not_voter' : 'not_present';
    }
    let detail: QuestionView['detail'] = null;
    let voters: QuestionView['voters'] = null;
    if (opts.run && m) {
      if (!q.secret) detail = (await namedAnswers(db, q.id)).map((a) => ({ personId: a.personId, fullName: a.fullName, label: answerLabel(m, q, a.answer), onBehalf: a.recordedBy != null }));
      else voters = [...taken.entries()].map(([pid, x]) => ({ fullName: names.get(pid) ?? '', onBehalf: x.onBehalf })).sort((a, b) => a.fullName.localeCompare(b.fullName, 'vi'));
    }
    const qq = quorum(roster);
    const rule = q.resolution && q.status === 'open' && m && rc ? m.quorumBox.rule(formatNumber(qq.half, rc.locale), qq.needed) : null;
    out.push({ q, result, rule, mine, own, detail, voters });
  }
  return out;
}

const versionOf = (questions: Pick<Question, 'id' | 'status'>[], roster: RosterEntry[]) => `${questions.map((q) => `${q.id}:${q.status}`).join(',')}|${quorum(roster).base}`;

export const roomExtension: RoomExtension = {
  render: async (rc, meeting, roster) => {
    const m = mm(rc);
    const resource = (await loadMeetingResource(rc.db, meeting.id))!;
    const run = can(rc.actor, 'meeting.run', resource);
    const recordFor = can(rc.actor, 'meeting.answer_for_member', resource);
    const list = await views(rc.db, rc, meeting, roster, { run });
    const canAsk = run && (meeting.status === 'scheduled' || meeting.status === 'in_progress');
    const questions =
      list.length || canAsk ? (
        <section aria-labelledby="h-questions">
          <h2 id="h-questions">{m.room.questions}</h2>
          {meeting.status === 'in_progress' ? <p class="muted js-only">{m.room.live}</p> : null}
          {list.length === 0 ? <p>{m.room.noQuestions}</p> : null}
          {list.map((v) => (
            <QuestionCard key={v.q.id} rc={rc} meeting={meeting} v={v} run={run} recordFor={recordFor} />
          ))}
          {canAsk ? <NewQuestionForm rc={rc} meeting={meeting} /> : null}
        </section>
      ) : null;
    const current = await currentMinutes(rc.db, meeting.id);
    const minutesLink =
      current || meeting.status === 'in_progress' || meeting.status === 'ended' ? (
        <section aria-labelledby="h-minutes">
          <h2 id="h-minutes">{m.room.minutes}</h2>
          <p>
            <a href={`/meetings/${meeting.id}/minutes`}>{m.minutes.title}</a>
            {current ? ` — ${m.minutes.version(current.version)}, ${current.status === 'approved' ? m.minutes.statusApproved : m.minutes.statusDraft}` : ` — ${m.minutes.none}`}
          </p>
        </section>
      ) : null;
    // The same version for every viewer (drafts, which only leaders see, do not count): see `summary`.
    return { questions, minutesLink, version: versionOf(list.map((v) => v.q).filter((q) => q.status !== 'draft'), roster) };
  },
  summary: async (db, meeting, roster) => {
    const qs = await listQuestions(db, meeting.id);
    const out = [];
    for (const q of qs) {
      if (q.status === 'draft') continue;
      const r = await resultOf(db, q, roster);
      out.push({ id: q.id, status: q.status, answered: r.answered, eligible: r.eligible, counts: r.counts, average: r.average });
    }
    // Drafts are not shown to members: they do not count in the version members compare against.
    return { version: versionOf(qs.filter((q) => q.status !== 'draft'), roster), questions: out };
  },
};

/** The page where the secretary records answers for members present without a phone. */
export function RecordForPage(p: { rc: RequestContext; unit: Unit; meeting: Meeting; q: Question; waiting: RosterEntry[]; errors?: FieldErrors }) {
  const { rc, unit, meeting, q } = p;
  const m = mm(rc);
  return (
    <Layout rc={rc} title={`${m.room.recordForTitle} — ${q.prompt}`}>
      <MeetingCrumbs rc={rc} unit={unit} meeting={meeting} page={m.room.recordFor} />
      <h1>{m.room.recordForTitle}</h1>
      <p class="meet-big">{q.prompt}</p>
      <p class="hint">{m.room.recordForHint}</p>
      <ErrorSummary rc={rc} errors={p.errors} />
      {p.waiting.length === 0 ? <p class="meet-ok">{m.room.everyoneAnswered}</p> : null}
      {p.waiting.map((r) => (
        <Form key={r.personId} rc={rc} action={`/meetings/${meeting.id}/questions/${q.id}/record`} class="card">
          <input type="hidden" name="personId" value={String(r.personId)} />
          <fieldset class="meet-answer">
            <legend>
              <strong>{r.fullName}</strong>
              {r.phoneKind !== 'smartphone' ? <span class="muted"> ({r.phoneKind === 'none' ? m.room.noPhone : m.room.basicPhone})</span> : null}
            </legend>
            <AnswerControls m={m} q={q} prefix={`p${r.personId}-`} />
          </fieldset>
          <button type="submit">{m.room.answer}</button>
        </Form>
      ))}
    </Layout>
  );
}
