// Pages of distribution: the member's documents and the reading view (large text, read aloud,
// "Tôi đã đọc" / "Tôi đã nghiên cứu", reflection, bookmark and private note), the publish form,
// the publisher's list, who has read what (rates per unit, drill-down to a cell's names, record
// in person), and what reaches a unit. Everything renders on the server and works without
// JavaScript; read-aloud is the only enhancement (static/read-aloud.js).
import type { RequestContext } from '../core/http/context.ts';
import type { FieldErrors, FormValues } from '../core/http/forms.ts';
import { Layout } from '../core/layout/Layout.tsx';
import { Breadcrumbs, Checkbox, ErrorSummary, Field, Form, Pager, SelectField, TextArea } from '../core/layout/components.tsx';
import { assetUrl } from '../core/layout/assets.ts';
import { formatDate, formatDateTime, formatNumber, todayIso } from '../core/i18n/i18n.ts';
import type { Unit } from '../org/schema.ts';
import { documentMessages } from '../documents/messages.ts';
import { bodyBlocks, UrgencyTag } from '../documents/views.tsx';
import type { AttachmentInfo } from '../documents/documents.ts';
import { EstimateBox } from '../core/notify/views.tsx';
import type { Estimate } from '../core/notify/notify.ts';
import { distributionMessages, type DistributionMessages } from './messages.ts';
import { AUDIENCE_ROLES, REQUIREMENTS, type Requirement } from './schema.ts';
import { LIMITS, type Counts, type MyFilter, type MyPublication, type PublicationView, type PublishedItem, type ReadState, type RollupRow, type RosterRow, type UnitPublication } from './publications.ts';

const dmsg = (rc: RequestContext) => distributionMessages(rc.locale);


/** A group of radio buttons in a fieldset; the first button carries the id error links point to. */
function Radios(p: { name: string; legend: string; options: { value: string; label: string; hint?: string }[]; value: string | undefined; errors?: FieldErrors | undefined; required?: boolean }) {
  const error = p.errors?.[p.name];
  return (
    <fieldset class={`choices${error ? ' field-error' : ''}`} aria-describedby={error ? `f-${p.name}-error` : undefined}>
      <legend>
        {p.legend}
        {p.required ? <span class="req" aria-hidden="true"> *</span> : null}
      </legend>
      {error ? (
        <p class="error" id={`f-${p.name}-error`}>
          {error}
        </p>
      ) : null}
      {p.options.map((o, i) => (
        <div class="check" key={o.value}>
          <input type="radio" id={i === 0 ? `f-${p.name}` : `f-${p.name}-${o.value}`} name={p.name} value={o.value} checked={p.value === o.value} aria-describedby={o.hint ? `f-${p.name}-${o.value}-hint` : undefined} />
          <label for={i === 0 ? `f-${p.name}` : `f-${p.name}-${o.value}`}>{o.label}</label>
          {o.hint ? (
            <p class="hint" id={`f-${p.name}-${o.value}-hint`}>
              {o.hint}
            </p>
          ) : null}
        </div>
      ))}
    </fieldset>
  );
}

/** "Công điện 15-CĐ/TU", or "Thông báo" for an announcement. */
export function kindLabel(rc: RequestContext, p: { docKind: MyPublication['docKind']; number: string | null; documentId?: number | null; announcement?: boolean }): string {
  const m = dmsg(rc);
  if (!p.docKind) return m.kindAnnouncement;
  return `${documentMessages(rc.locale).kinds[p.docKind]}${p.number ? ` ${p.number}` : ''}`;
}

function statusOf(m: DistributionMessages, requirement: Requirement, s: { readAt: Date | null; studiedAt: Date | null }): { label: string; done: boolean } {
  if (requirement === 'study') {
    if (s.studiedAt) return { label: m.list.statusStudied, done: true };
    if (s.readAt) return { label: m.list.statusToStudy, done: false };
    return { label: m.list.statusNew, done: false };
  }
  if (s.readAt) return { label: requirement === 'none' ? m.list.statusSeen : m.list.statusRead, done: true };
  return { label: m.list.statusNew, done: false };
}

function DueTag(p: { m: DistributionMessages; dueOn: string | null; done?: boolean }) {
  if (!p.dueOn) return null;
  const overdue = !p.done && p.dueOn < todayIso();
  return <span class={`tag${overdue ? ' overdue' : ''}`}>{overdue ? `${p.m.list.due(formatDate(p.dueOn))}, ${p.m.list.overdue}` : p.m.list.due(formatDate(p.dueOn))}</span>;
}

// --- the member's documents ---------------------------------------------------------------------

export function MinePage(p: { rc: RequestContext; filter: MyFilter; page: number; items: MyPublication[]; hasMore: boolean; canPublish: boolean; pending: number }) {
  const { rc } = p;
  const m = dmsg(rc);
  const dm = documentMessages(rc.locale);
  const tab = (f: MyFilter, label: string) => (
    <li key={f}>
      {p.filter === f ? (
        <span aria-current="page" class="tab current">
          {label}
        </span>
      ) : (
        <a class="tab" href={`/reading?filter=${f}`}>
          {label}
        </a>
      )}
    </li>
  );
  const empty = p.filter === 'pending' ? m.list.emptyPending : p.filter === 'saved' ? m.list.emptySaved : m.list.empty;
  return (
    <Layout rc={rc} title={m.list.title}>
      <h1>{m.list.title}</h1>
      <nav aria-label={m.list.filterLabel}>
        <ul class="tabs">
          {tab('pending', `${m.list.pending}${p.pending ? ` (${p.pending})` : ''}`)}
          {tab('all', m.list.all)}
          {tab('saved', m.list.saved)}
        </ul>
      </nav>
      {p.items.length === 0 ? <p class="muted">{empty}</p> : null}
      <ul class="list pubs">
        {p.items.map((it) => {
          const st = statusOf(m, it.requirement, it);
          return (
            <li key={it.id} class={st.done ? undefined : 'unread'}>
              <p class="pub-title">
                <a href={`/reading/${it.id}`}>{it.title}</a>
              </p>
              <p class="pub-meta">
                <span class={`tag status${st.done ? ' done' : ' new'}`}>{st.label}</span>
                <UrgencyTag m={dm} urgency={it.urgency} />
                {it.requirement !== 'none' ? <span class="tag">{m.requirement[it.requirement]}</span> : null}
                <DueTag m={m} dueOn={it.dueOn} done={st.done} />
                {it.bookmarked ? <span class="tag">{m.list.bookmarked}</span> : null}
              </p>
              <p class="muted pub-from">
                {kindLabel(rc, it)} · {m.list.from(it.unitName)} · {m.list.publishedOn(formatDate(it.publishedAt))}
              </p>
            </li>
          );
        })}
      </ul>
      <Pager rc={rc} page={p.page} hasMore={p.hasMore} href={(n) => `/reading?filter=${p.filter}&page=${n}`} />
      {p.canPublish ? (
        <section class="card" aria-labelledby="h-publisher">
          <h2 id="h-publisher">{m.list.publisherTools}</h2>
          <p class="actions">
            <a class="button primary" href="/publications/new">
              {m.nav.publish}
            </a>
            <a class="button" href="/publications">
              {m.nav.published}
            </a>
          </p>
        </section>
      ) : null}
    </Layout>
  );
}

// --- reading ------------------------------------------------------------------------------------

export function ReadingPage(p: {
  rc: RequestContext;
  pub: PublicationView;
  state: ReadState;
  inAudience: boolean;
  canSeeRates: boolean;
  mark: { bookmarked: boolean; note: string | null };
  attachments: AttachmentInfo[];
  errors?: FieldErrors;
  values?: FormValues;
}) {
  const { rc, pub, state } = p;
  const m = dmsg(rc);
  const dm = documentMessages(rc.locale);
  const doc = pub.document;
  const title = pub.title ?? doc?.subject ?? '';
  const heading = doc ? `${dm.kinds[doc.kind]}${doc.number ? ` ${doc.number}` : ''}` : m.kindAnnouncement;
  const body = doc ? doc.body : (pub.body ?? '');
  const urgent = doc?.urgency === 'hoa_toc' || doc?.urgency === 'thuong_khan';
  const st = statusOf(m, pub.requirement, state);
  const reflectionAsked = pub.requirement === 'study' && pub.reflection;
  return (
    <Layout rc={rc} title={title}>
      <Breadcrumbs items={[{ href: '/reading', label: m.reading.backToList }, { label: heading }]} />
      {urgent && doc?.urgency ? <p class="notice urgent-notice">{m.reading.urgentNotice(dm.urgency[doc.urgency])}</p> : null}
      <article class="reading" id="reading-text" aria-labelledby="reading-title">
        <p class="reading-kind">
          {heading}
          {doc?.date ? ` · ${formatDate(doc.date)}` : ''}
          {doc?.issuer ? ` · ${doc.issuer}` : ''} <UrgencyTag m={dm} urgency={doc?.urgency ?? null} />
        </p>
        <h1 id="reading-title">{title}</h1>
        <div class="reading-body">
          {bodyBlocks(body).map((b, i) =>
            b.kind === 'heading' ? (
              <h2 key={i}>
                {b.label ? `${b.label}. ` : ''}
                {b.text}
              </h2>
            ) : (
              <p key={i} class={b.kind === 'p' ? undefined : `doc-${b.kind}`}>
                {b.label ? <strong>{b.kind === 'item' ? `${b.label}.` : b.label} </strong> : null}
                {b.text}
              </p>
            ),
          )}
        </div>
        {doc?.signer || doc?.signerTitle ? (
          <p class="reading-signer">
            {doc.signerTitle ? <strong>{doc.signerTitle}</strong> : null}
            {doc.signerTitle && doc.signer ? <br /> : null}
            {doc.signer}
          </p>
        ) : null}
      </article>
      <div class="read-aloud no-print">
        <button type="button" class="js-only" data-read-aloud="reading-text" data-stop={m.reading.stopReading} data-no-voice={m.reading.noVoice} data-no-speech={m.reading.noSpeech} aria-describedby="read-aloud-status">
          🔊 {m.reading.readAloud}
        </button>
        <p id="read-aloud-status" class="hint" role="status" aria-live="polite"></p>
      </div>
      <script src={assetUrl('read-aloud.js')} defer></script>

      {p.attachments.length ? (
        <section aria-labelledby="h-files">
          <h2 id="h-files">{m.reading.attachments}</h2>
          <ul class="list">
            {p.attachments.map((a) => (
              <li key={a.id}>
                <a href={`/reading/${pub.id}/files/${a.id}`} download={a.fileName}>
                  {a.fileName}
                </a>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section class="card confirm" aria-labelledby="h-confirm">
        <h2 id="h-confirm">{m.reading.asked}: {m.requirement[pub.requirement]}</h2>
        <dl class="record">
          <dt>{m.reading.from}</dt>
          <dd>{pub.unitName}</dd>
          <dt>{m.reading.publishedOn}</dt>
          <dd>{formatDate(pub.publishedAt)}</dd>
          {pub.dueOn ? (
            <>
              <dt>{m.reading.dueOn}</dt>
              <dd>
                <DueTag m={m} dueOn={pub.dueOn} done={st.done} />
              </dd>
            </>
          ) : null}
        </dl>
        {!p.inAudience ? (
          <p class="muted">{m.reading.notAudience}</p>
        ) : (
          <>
            <ErrorSummary rc={rc} errors={p.errors} />
            {/* Said by offline.js: a confirmation kept while offline, or the server's refusal of it. */}
            <p class="hint" role="status" aria-live="polite" data-offline-status data-page={`/reading/${pub.id}`} data-msg-saved={m.reading.offlineSaved} data-msg-refused={m.reading.offlineRefused}></p>
            {state.readAt ? (
              <p class="done-line">
                ✔ {pub.requirement === 'none' ? m.reading.seenDone(formatDateTime(state.readAt)) : m.reading.readDone(formatDateTime(state.readAt))}
                {state.readInPerson ? ` (${m.reading.inPerson})` : ''}
              </p>
            ) : null}
            {state.studiedAt ? (
              <p class="done-line">
                ✔ {m.reading.studyDone(formatDateTime(state.studiedAt))}
                {state.studyInPerson ? ` (${m.reading.inPerson})` : ''}
              </p>
            ) : null}
            {pub.requirement === 'read' && !state.readAt ? (
              <Form rc={rc} action={`/reading/${pub.id}/read`}>
                <button type="submit" class="primary big" data-offline={`/api/v1/publications/${pub.id}/read`}>
                  {m.reading.confirmRead}
                </button>
              </Form>
            ) : null}
            {pub.requirement === 'study' ? (
              <>
                {!state.readAt ? (
                  <Form rc={rc} action={`/reading/${pub.id}/read`}>
                    <button type="submit" class="big" data-offline={`/api/v1/publications/${pub.id}/read`}>
                      {m.reading.confirmRead}
                    </button>
                  </Form>
                ) : null}
                {!state.studiedAt || reflectionAsked || state.reflection ? (
                  <Form rc={rc} action={`/reading/${pub.id}/study`}>
                    {state.reflection && !p.errors?.reflection ? <p class="muted">{m.reading.reflectionSaved}</p> : null}
                    <TextArea
                      name="reflection"
                      label={state.studiedAt && state.reflection ? m.reading.reflectionUpdate : m.reading.reflection}
                      hint={reflectionAsked ? m.reading.reflectionHint(LIMITS.reflectionMin) : m.reading.reflectionOptionalHint}
                      required={!!reflectionAsked && !state.reflection}
                      rows={6}
                      maxLength={LIMITS.reflection}
                      value={p.values?.reflection ?? state.reflection ?? ''}
                      errors={p.errors}
                    />
                    <button type="submit" class="primary big" data-offline={`/api/v1/publications/${pub.id}/study`}>
                      {state.studiedAt ? rc.t.common.save : m.reading.confirmStudy}
                    </button>
                  </Form>
                ) : null}
              </>
            ) : null}
          </>
        )}
        {p.canSeeRates ? (
          <p>
            <a href={`/publications/${pub.id}`}>{m.reading.seeRates}</a>
          </p>
        ) : null}
      </section>

      {p.inAudience ? (
        <section aria-labelledby="h-mine">
          <h2 id="h-mine">{m.reading.mine}</h2>
          <Form rc={rc} action={`/reading/${pub.id}/bookmark`} class="inline-form">
            <input type="hidden" name="bookmarked" value={p.mark.bookmarked ? '0' : '1'} />
            <button type="submit" aria-pressed={p.mark.bookmarked ? 'true' : 'false'}>
              {p.mark.bookmarked ? `★ ${m.reading.unbookmark}` : `☆ ${m.reading.bookmark}`}
            </button>
          </Form>
          <Form rc={rc} action={`/reading/${pub.id}/note`}>
            <TextArea name="note" label={m.reading.note} hint={m.reading.noteHint} rows={3} maxLength={LIMITS.note} value={p.values?.note ?? p.mark.note ?? ''} errors={p.errors} />
            <button type="submit">{m.reading.saveNote}</button>
          </Form>
        </section>
      ) : null}
    </Layout>
  );
}

// --- publishing ---------------------------------------------------------------------------------

export function PublishUnitsPage(p: { rc: RequestContext; units: Unit[]; documentId: number | null }) {
  const { rc } = p;
  const m = dmsg(rc);
  const qs = p.documentId ? `?document=${p.documentId}` : '';
  return (
    <Layout rc={rc} title={m.publish.title}>
      <Breadcrumbs items={[{ href: '/reading', label: m.nav.mine }, { label: m.publish.title }]} />
      <h1>{m.publish.chooseUnit}</h1>
      {p.units.length === 0 ? <p>{m.publish.noUnits}</p> : <p class="hint">{m.publish.chooseUnitHint}</p>}
      <ul class="list">
        {p.units.map((u) => (
          <li key={u.id}>
            <a href={`/publications/new/${u.id}${qs}`}>{u.name}</a>
          </li>
        ))}
      </ul>
    </Layout>
  );
}

export type PublishFormProps = {
  rc: RequestContext;
  unit: Unit;
  children: Unit[];
  /** The units below each child (not below cells), to choose one without its siblings. */
  grandchildren?: Map<number, Unit[]>;
  /** The count and cost of the send, when the sender must confirm it before it goes. */
  confirm?: Estimate;
  documents: { id: number; label: string }[];
  values: FormValues;
  /** The audience units ticked. */
  audience: string[];
  errors?: FieldErrors;
};

export function PublishFormPage(p: PublishFormProps) {
  const { rc, unit } = p;
  const m = dmsg(rc);
  const v = p.values;
  const chosen = new Set(p.audience);
  const labels: Record<string, string> = { what: m.publish.what, document: m.publish.document, title: m.publish.announcementTitle, body: m.publish.announcementBody, audience: m.publish.audience, audienceRole: m.publish.audienceRole, requirement: m.publish.requirement, reflection: m.publish.reflection, dueOn: m.publish.dueOn, unit: m.publish.unit };
  const audienceError = p.errors?.audience;
  return (
    <Layout rc={rc} title={m.publish.title}>
      <Breadcrumbs items={[{ href: '/reading', label: m.nav.mine }, { href: '/publications', label: m.nav.published }, { label: m.publish.title }]} />
      <h1>{m.publish.title}</h1>
      <p>
        {m.publish.unit}: <strong>{unit.name}</strong>
      </p>
      <ErrorSummary rc={rc} errors={p.errors} labels={labels} />
      {p.confirm ? (
        <p class="notice" role="status">
          <a href="#confirm-send">{m.publish.confirmNeeded}</a>
        </p>
      ) : null}
      <Form rc={rc} action={`/publications/new/${unit.id}`} class="publish">
        <fieldset class={`choices${p.errors?.what ? ' field-error' : ''}`} aria-describedby={p.errors?.what ? 'f-what-error' : undefined}>
          <legend>
            {m.publish.what}
            <span class="req" aria-hidden="true">
              {' '}
              *
            </span>
          </legend>
          {p.errors?.what ? (
            <p class="error" id="f-what-error">
              {p.errors.what}
            </p>
          ) : null}
          <div class="check">
            <input type="radio" id="f-what" name="what" value="document" checked={v.what === 'document'} />
            <label for="f-what">{m.publish.whatDocument}</label>
          </div>
          <div class="choice-detail">
            {p.documents.length ? (
              <SelectField name="document" label={m.publish.document} hint={m.publish.documentHint} blank={m.publish.documentBlank} options={p.documents.map((d) => ({ value: String(d.id), label: d.label }))} values={v} errors={p.errors} />
            ) : (
              <p class="muted" id="f-document">
                {m.publish.noDocuments}
              </p>
            )}
          </div>
          <div class="check">
            <input type="radio" id="f-what-announcement" name="what" value="announcement" checked={v.what === 'announcement'} />
            <label for="f-what-announcement">{m.publish.whatAnnouncement}</label>
          </div>
          <div class="choice-detail">
            <Field name="title" label={m.publish.announcementTitle} values={v} errors={p.errors} maxLength={LIMITS.title} />
            <TextArea name="body" label={m.publish.announcementBody} hint={m.publish.announcementBodyHint} rows={6} values={v} errors={p.errors} maxLength={LIMITS.body} />
          </div>
        </fieldset>

        <fieldset class={`choices${audienceError ? ' field-error' : ''}`} aria-describedby={audienceError ? 'f-audience-error' : 'f-audience-hint'}>
          <legend>
            {m.publish.audience}
            <span class="req" aria-hidden="true">
              {' '}
              *
            </span>
          </legend>
          <p class="hint" id="f-audience-hint">
            {m.publish.audienceHint}
          </p>
          {audienceError ? (
            <p class="error" id="f-audience-error">
              {audienceError}
            </p>
          ) : null}
          {[unit, ...p.children].map((u, i) => {
            const below = i === 0 ? [] : (p.grandchildren?.get(u.id) ?? []);
            return (
              <div key={u.id}>
                <div class="check">
                  <input type="checkbox" id={i === 0 ? 'f-audience' : `f-audience-${u.id}`} name="audience" value={String(u.id)} checked={chosen.has(String(u.id))} />
                  <label for={i === 0 ? 'f-audience' : `f-audience-${u.id}`}>{i === 0 ? m.publish.wholeUnit(u.name) : u.name}</label>
                </div>
                {below.length > 0 ? (
                  <details class="sub-units" open={below.some((g) => chosen.has(String(g.id)))}>
                    <summary>{m.publish.deeper(u.name, below.length)}</summary>
                    {below.map((g) => (
                      <div class="check" key={g.id}>
                        <input type="checkbox" id={`f-audience-${g.id}`} name="audience" value={String(g.id)} checked={chosen.has(String(g.id))} />
                        <label for={`f-audience-${g.id}`}>{g.name}</label>
                      </div>
                    ))}
                  </details>
                ) : null}
              </div>
            );
          })}
          <Field name="otherUnits" label={m.publish.otherUnits} hint={m.publish.otherUnitsHint} inputMode="numeric" values={v} errors={p.errors} maxLength={2000} />
        </fieldset>

        <Radios name="audienceRole" legend={m.publish.audienceRole} value={v.audienceRole ?? 'all'} errors={p.errors} options={AUDIENCE_ROLES.map((r) => ({ value: r, label: m.audienceRole[r] }))} />
        <Radios name="requirement" legend={m.publish.requirement} required value={v.requirement} errors={p.errors} options={REQUIREMENTS.map((r) => ({ value: r, label: m.requirement[r], hint: m.requirementHint[r] }))} />
        <div class={p.errors?.reflection ? 'field-error' : undefined}>
          {p.errors?.reflection ? (
            <p class="error" id="f-reflection-error">
              {p.errors.reflection}
            </p>
          ) : null}
          <Checkbox name="reflection" label={m.publish.reflection} checked={v.reflection === 'on'} />
        </div>
        <Field name="dueOn" label={m.publish.dueOn} hint={m.publish.dueOnHint} placeholder="dd/mm/yyyy" inputMode="numeric" values={v} errors={p.errors} maxLength={10} />
        <Checkbox name="excludeExempt" label={m.publish.excludeExempt} hint={m.publish.excludeExemptHint} checked={v.excludeExempt === 'on'} />
        {p.confirm ? (
          <div id="confirm-send">
            <EstimateBox rc={rc} estimate={p.confirm} />
            <div class="check">
              <input type="checkbox" id="f-confirmSend" name="confirmSend" value="on" required />
              <label for="f-confirmSend">{m.publish.confirmSend}</label>
            </div>
          </div>
        ) : null}
        <button type="submit" class="primary big">
          {m.publish.submit}
        </button>
      </Form>
    </Layout>
  );
}

export function PublishedPage(p: { rc: RequestContext; items: PublishedItem[]; page: number; hasMore: boolean }) {
  const { rc } = p;
  const m = dmsg(rc);
  const dm = documentMessages(rc.locale);
  return (
    <Layout rc={rc} title={m.published.title}>
      <Breadcrumbs items={[{ href: '/reading', label: m.nav.mine }, { label: m.published.title }]} />
      <h1>{m.published.title}</h1>
      <p>
        <a class="button primary" href="/publications/new">
          {m.nav.publish}
        </a>
      </p>
      {p.items.length === 0 ? <p class="muted">{m.published.empty}</p> : null}
      <ul class="list pubs">
        {p.items.map((it) => (
          <li key={it.id}>
            <p class="pub-title">
              <a href={`/publications/${it.id}`}>{it.title}</a>
            </p>
            <p class="pub-meta">
              <UrgencyTag m={dm} urgency={it.urgency} />
              <span class="tag">{m.requirement[it.requirement]}</span>
              {it.audienceRole !== 'all' ? <span class="tag">{m.audienceRole[it.audienceRole]}</span> : null}
              <DueTag m={m} dueOn={it.dueOn} done />
            </p>
            <p class="muted pub-from">
              {kindLabel(rc, it)} · {it.unitName} → {it.audience.join(', ')} · {formatDate(it.publishedAt)}
            </p>
          </li>
        ))}
      </ul>
      <Pager rc={rc} page={p.page} hasMore={p.hasMore} href={(n) => `/publications?page=${n}`} />
    </Layout>
  );
}

// --- who has read what --------------------------------------------------------------------------

function Rate(p: { rc: RequestContext; n: number; of: number; label: string }) {
  const m = dmsg(p.rc);
  return (
    <span class="rate">
      {formatNumber(p.n, p.rc.locale)} <span class="muted">({m.rates.percent(p.n, p.of)})</span>
      {p.of > 0 ? <progress max={p.of} value={p.n} aria-label={`${p.label}: ${m.rates.percent(p.n, p.of)}`}></progress> : null}
    </span>
  );
}

export function RatesPage(p: {
  rc: RequestContext;
  pub: PublicationView;
  at: Unit;
  crumbs: Unit[];
  total: Counts;
  rows: RollupRow[];
  roster: RosterRow[];
  canRecord: boolean;
  canDrill: (u: RollupRow) => boolean;
  errors?: FieldErrors;
}) {
  const { rc, pub, at } = p;
  const m = dmsg(rc);
  const dm = documentMessages(rc.locale);
  const study = pub.requirement === 'study';
  const readLabel = pub.requirement === 'none' ? m.rates.seen : m.rates.read;
  const title = pub.title ?? pub.document?.subject ?? '';
  const done = (r: RosterRow) => (study ? r.studiedAt != null : r.readAt != null);
  const notDone = p.roster.filter((r) => !done(r));
  const childSum = p.rows.reduce((s, r) => s + r.expected, 0);
  const direct = p.total.expected - childSum;
  const base = `/publications/${pub.id}`;
  return (
    <Layout rc={rc} title={`${m.rates.title}: ${title}`}>
      <Breadcrumbs items={[{ href: '/publications', label: m.nav.published }, ...p.crumbs.map((u) => ({ href: `${base}?unit=${u.id}`, label: u.shortName ?? u.name })), { label: at.name }]} />
      <h1>{title}</h1>
      <dl class="record">
        <dt>{m.rates.publishedAt}</dt>
        <dd>
          {formatDateTime(pub.publishedAt)} · {pub.unitName}
          {pub.publishedByName ? ` · ${pub.publishedByName}` : ''}
        </dd>
        <dt>{m.rates.audience}</dt>
        <dd>
          {pub.audience.map((a) => a.name).join(', ')}
          {pub.audienceRole !== 'all' ? ` (${m.audienceRole[pub.audienceRole]})` : ''}
        </dd>
        <dt>{m.rates.requirement}</dt>
        <dd>
          {m.requirement[pub.requirement]}
          {pub.reflection ? ` · ${m.publish.reflection.toLowerCase()}` : ''} <DueTag m={m} dueOn={pub.dueOn} done={p.total.expected > 0 && (study ? p.total.studied : p.total.read) === p.total.expected} />
          {pub.document ? <UrgencyTag m={dm} urgency={pub.document.urgency} /> : null}
        </dd>
      </dl>
      <p>
        <a href={`/reading/${pub.id}`}>{m.rates.openDocument}</a>
      </p>

      <section aria-labelledby="h-rates">
        <h2 id="h-rates">
          {m.rates.summary}: {at.name}
        </h2>
        <p class="hint">
          {m.rates.countsNote}
          {pub.excludeExempt ? ` ${m.rates.excludeExemptNote}` : ''}
        </p>
        <div class="table-wrap">
          <table class="rates">
            <caption class="visually-hidden">{m.rates.summary}</caption>
            <thead>
              <tr>
                <th scope="col">{m.rates.unit}</th>
                <th scope="col">{m.rates.expected}</th>
                <th scope="col">{readLabel}</th>
                {study ? <th scope="col">{m.rates.studied}</th> : null}
                <th scope="col">{study ? m.rates.notYetStudied : m.rates.notYet}</th>
                <th scope="col">{m.rates.inPerson}</th>
              </tr>
            </thead>
            <tbody>
              {p.rows.map((r) => (
                <tr key={r.unitId}>
                  <th scope="row" data-label={m.rates.unit}>
                    {p.canDrill(r) ? <a href={`${base}?unit=${r.unitId}`}>{r.name}</a> : r.name}
                  </th>
                  <td data-label={m.rates.expected}>{formatNumber(r.expected, rc.locale)}</td>
                  <td data-label={readLabel}>
                    <Rate rc={rc} n={r.read} of={r.expected} label={`${r.name}, ${readLabel}`} />
                  </td>
                  {study ? (
                    <td data-label={m.rates.studied}>
                      <Rate rc={rc} n={r.studied} of={r.expected} label={`${r.name}, ${m.rates.studied}`} />
                    </td>
                  ) : null}
                  <td data-label={study ? m.rates.notYetStudied : m.rates.notYet}>{formatNumber(r.expected - (study ? r.studied : r.read), rc.locale)}</td>
                  <td data-label={m.rates.inPerson}>{formatNumber(r.inPerson, rc.locale)}</td>
                </tr>
              ))}
              {p.rows.length > 0 && direct > 0 ? (
                <tr>
                  <th scope="row" data-label={m.rates.unit}>
                    {m.rates.direct}
                  </th>
                  <td data-label={m.rates.expected}>{formatNumber(direct, rc.locale)}</td>
                  <td colSpan={study ? 4 : 3} data-label="">
                    <a href="#h-members">{m.rates.members}</a>
                  </td>
                </tr>
              ) : null}
              <tr class="total">
                <th scope="row" data-label={m.rates.unit}>
                  {m.rates.total}
                </th>
                <td data-label={m.rates.expected}>{formatNumber(p.total.expected, rc.locale)}</td>
                <td data-label={readLabel}>
                  <Rate rc={rc} n={p.total.read} of={p.total.expected} label={`${m.rates.total}, ${readLabel}`} />
                </td>
                {study ? (
                  <td data-label={m.rates.studied}>
                    <Rate rc={rc} n={p.total.studied} of={p.total.expected} label={`${m.rates.total}, ${m.rates.studied}`} />
                  </td>
                ) : null}
                <td data-label={study ? m.rates.notYetStudied : m.rates.notYet}>{formatNumber(p.total.expected - (study ? p.total.studied : p.total.read), rc.locale)}</td>
                <td data-label={m.rates.inPerson}>{formatNumber(p.total.inPerson, rc.locale)}</td>
              </tr>
            </tbody>
          </table>
        </div>
        {p.total.expected === 0 ? <p class="muted">{m.rates.noneExpected}</p> : null}
        <p>
          <a href={`${base}/export.xlsx?unit=${at.id}`}>{m.rates.export}</a>
        </p>
      </section>

      {p.roster.length > 0 ? (
        <section aria-labelledby="h-members">
          <h2 id="h-members">
            {m.rates.members}: {at.name}
          </h2>
          {notDone.length > 0 ? (
            <>
              <h3>{study ? m.rates.notYetStudied : m.rates.notYet} ({notDone.length})</h3>
              {p.canRecord ? (
                <Form rc={rc} action={`${base}/in-person`}>
                  <input type="hidden" name="cellId" value={String(at.id)} />
                  <fieldset class={`choices${p.errors?.people ? ' field-error' : ''}`} aria-describedby={p.errors?.people ? 'f-people-error' : 'f-people-hint'}>
                    <legend>{m.rates.recordTitle}</legend>
                    <p class="hint" id="f-people-hint">
                      {m.rates.recordHint} {study ? m.rates.recordStudyHint : ''}
                    </p>
                    {p.errors?.people ? (
                      <p class="error" id="f-people-error">
                        {p.errors.people}
                      </p>
                    ) : null}
                    {notDone.map((r, i) => (
                      <div class="check" key={r.personId}>
                        <input type="checkbox" id={i === 0 ? 'f-people' : `f-people-${r.personId}`} name="people" value={String(r.personId)} />
                        <label for={i === 0 ? 'f-people' : `f-people-${r.personId}`}>
                          {r.fullName}
                          <MemberTags m={m} r={r} />
                        </label>
                      </div>
                    ))}
                  </fieldset>
                  <button type="submit" class="primary">
                    {m.rates.recordSubmit}
                  </button>
                </Form>
              ) : (
                <ul class="list names">
                  {notDone.map((r) => (
                    <li key={r.personId}>
                      {r.fullName}
                      <MemberTags m={m} r={r} />
                    </li>
                  ))}
                </ul>
              )}
            </>
          ) : (
            <p class="muted">{m.rates.nothingToRecord}</p>
          )}
          {p.roster.length > notDone.length ? (
            <>
              <h3>
                {study ? m.rates.studied : readLabel} ({p.roster.length - notDone.length})
              </h3>
              <ul class="list names">
                {p.roster
                  .filter((r) => done(r))
                  .map((r) => (
                    <li key={r.personId}>
                      {r.fullName}
                      <MemberTags m={m} r={r} />
                      <span class="muted">
                        {' · '}
                        {formatDateTime(study ? r.studiedAt : r.readAt)}
                        {(study ? r.studyInPerson : r.readInPerson) ? ` · ${m.rates.inPerson.toLowerCase()}` : ''}
                      </span>
                      {r.reflection ? (
                        <details>
                          <summary>{m.rates.hasReflection}</summary>
                          <p class="reflection">{r.reflection}</p>
                        </details>
                      ) : null}
                    </li>
                  ))}
              </ul>
            </>
          ) : null}
        </section>
      ) : null}
    </Layout>
  );
}

function MemberTags(p: { m: DistributionMessages; r: RosterRow }) {
  return (
    <>
      {p.r.exempt ? <span class="tag">{p.r.counted ? p.m.rates.exempt : p.m.rates.exemptNotCounted}</span> : null}
      {p.r.phoneKind === 'none' ? <span class="tag">{p.m.rates.noPhone}</span> : null}
    </>
  );
}

// --- what reaches a unit ------------------------------------------------------------------------

function UnitPubList(p: { rc: RequestContext; items: UnitPublication[]; canOpen: (id: number) => boolean }) {
  const { rc } = p;
  const m = dmsg(rc);
  const dm = documentMessages(rc.locale);
  return (
    <ul class="list pubs">
      {p.items.map((it) => (
        <li key={it.id}>
          <p class="pub-title">{p.canOpen(it.id) ? <a href={`/reading/${it.id}`}>{it.title}</a> : it.title}</p>
          <p class="pub-meta">
            <UrgencyTag m={dm} urgency={it.urgency} />
            {it.requirement !== 'none' ? <span class="tag">{m.requirement[it.requirement]}</span> : null}
            <DueTag m={m} dueOn={it.dueOn} done />
          </p>
          <p class="muted pub-from">
            {kindLabel(rc, it)} · {m.list.from(it.unitName)} · {m.list.publishedOn(formatDate(it.publishedAt))}
          </p>
        </li>
      ))}
    </ul>
  );
}

/** The section the unit page (src/org) shows: the latest of what reaches the unit. */
export function UnitSection(p: { rc: RequestContext; unit: Unit; items: UnitPublication[]; hasMore: boolean; canOpen: (id: number) => boolean }) {
  const m = dmsg(p.rc);
  return (
    <section aria-labelledby="h-unit-pubs">
      <h2 id="h-unit-pubs">{m.unitSection.title}</h2>
      {p.items.length === 0 ? <p class="muted">{m.unitSection.empty}</p> : <UnitPubList rc={p.rc} items={p.items} canOpen={p.canOpen} />}
      {p.hasMore ? (
        <p>
          <a href={`/units/${p.unit.id}/publications`}>{m.unitSection.all}</a>
        </p>
      ) : null}
    </section>
  );
}

export function UnitPublicationsPage(p: { rc: RequestContext; unit: Unit; items: UnitPublication[]; page: number; hasMore: boolean; canOpen: (id: number) => boolean }) {
  const { rc, unit } = p;
  const m = dmsg(rc);
  return (
    <Layout rc={rc} title={`${m.unitSection.title}: ${unit.name}`}>
      <Breadcrumbs items={[{ href: `/units/${unit.id}`, label: unit.name }, { label: m.unitSection.title }]} />
      <h1>{m.unitSection.title}</h1>
      <p>{unit.name}</p>
      {p.items.length === 0 ? <p class="muted">{m.unitSection.empty}</p> : <UnitPubList rc={rc} items={p.items} canOpen={p.canOpen} />}
      <Pager rc={rc} page={p.page} hasMore={p.hasMore} href={(n) => `/units/${unit.id}/publications?page=${n}`} />
    </Layout>
  );
}
