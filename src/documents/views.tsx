// Pages of the documents feature: intake (paste or upload, then the parsed header as an editable
// form beside the text), the document laid out like the original, the library with search, and
// the registers (screen, print). Everything renders on the server and works without JavaScript.
import type { ComponentChildren } from 'preact';
import type { RequestContext } from '../core/http/context.ts';
import type { FieldErrors, FormValues } from '../core/http/forms.ts';
import { Layout } from '../core/layout/Layout.tsx';
import { Breadcrumbs, Checkbox, ErrorSummary, Field, Form, Pager, SelectField, TextArea } from '../core/layout/components.tsx';
import { formatDate, formatDateTime, formatNumber } from '../core/i18n/i18n.ts';
import type { Unit } from '../org/schema.ts';
import { DOCUMENT_KINDS, type DocumentKind } from './parser/types.ts';
import { documentMessages, type DocumentMessages } from './messages.ts';
import { SECRECIES, URGENCIES, type Direction, type RegisterEntry } from './schema.ts';
import type { AttachmentInfo, DocumentSummary, Related, RelatedDoc } from './documents.ts';
import { highlights, LIBRARY_STATUSES, type FilterOptions, type LibraryFilters, type LibraryPage } from './search.ts';
import { REGISTER_PAGE_SIZE, type RegisterRow } from './registers.ts';
import { ATTACHMENT_EXTENSIONS, INTAKE_TYPES, SCAN_TYPES, acceptOf, typeList, type StagedFile } from './uploads.ts';

const dm = (rc: RequestContext) => documentMessages(rc.locale);


/** Text with ⟦…⟧ marks, rendered with <mark> and escaping. */
function Marked(p: { text: string }) {
  return (
    <>
      {highlights(p.text).map((part, i) => (part.mark ? <mark key={i}>{part.text}</mark> : part.text))}
    </>
  );
}

export function UrgencyTag(p: { m: DocumentMessages; urgency: string | null; secrecy?: string | null }) {
  return (
    <>
      {p.urgency ? <span class={`tag urgency-${p.urgency}`}>{p.m.urgency[p.urgency as keyof DocumentMessages['urgency']]}</span> : null}
      {p.secrecy ? <span class="tag classified">{p.m.secrecy[p.secrecy as keyof DocumentMessages['secrecy']]}</span> : null}
    </>
  );
}

const kindOptions = (m: DocumentMessages) => DOCUMENT_KINDS.map((k) => ({ value: k, label: m.kinds[k] }));
const kb = (size: number) => formatNumber(Math.max(1, Math.round(size / 1024)));

// --- intake -------------------------------------------------------------------------------------

export function IntakeUnitsPage(p: { rc: RequestContext; units: Unit[] }) {
  const m = dm(p.rc);
  return (
    <Layout rc={p.rc} title={m.intake.title}>
      <Breadcrumbs items={[{ href: '/documents', label: m.nav.library }, { label: m.intake.title }]} />
      <h1>{m.intake.title}</h1>
      {p.units.length === 0 ? (
        <p>{m.intake.noUnits}</p>
      ) : (
        <>
          <h2>{m.intake.chooseUnit}</h2>
          <ul class="list">
            {p.units.map((u) => (
              <li key={u.id}>
                <a href={`/documents/intake/${u.id}`}>{u.name}</a>
              </li>
            ))}
          </ul>
        </>
      )}
    </Layout>
  );
}

export function IntakeStartPage(p: { rc: RequestContext; unit: Unit; values?: FormValues; errors?: FieldErrors }) {
  const { rc, unit } = p;
  const m = dm(rc);
  const mb = Math.round(rc.config.maxUploadBytes / 1048576);
  return (
    <Layout rc={rc} title={`${m.intake.title}: ${unit.name}`}>
      <Breadcrumbs items={[{ href: '/documents', label: m.nav.library }, { href: '/documents/intake', label: m.intake.title }, { label: unit.name }]} />
      <h1>{m.intake.title}</h1>
      <p class="muted">{unit.name}</p>
      <h2>{m.intake.step1}</h2>
      <ErrorSummary rc={rc} errors={p.errors} />
      <Form rc={rc} action={`/documents/intake/${unit.id}/read`} multipart id="intake-start">
        <fieldset class="choices">
          <legend>{m.fields.direction}</legend>
          {(['incoming', 'outgoing'] as const).map((d) => (
            <div class="check" key={d}>
              <input type="radio" id={`f-direction-${d}`} name="direction" value={d} checked={(p.values?.direction ?? 'incoming') === d} />
              <label for={`f-direction-${d}`}>{d === 'incoming' ? m.nav.incomingRegister : m.nav.outgoingRegister}</label>
            </div>
          ))}
        </fieldset>
        <TextArea name="text" label={m.fields.paste} rows={12} values={p.values} errors={p.errors} class="wide" />
        <div class={`field${p.errors?.file ? ' field-error' : ''}`}>
          <label for="f-file">{m.fields.file}</label>
          <p class="hint" id="f-file-hint">
            {m.fields.fileHint(typeList(INTAKE_TYPES), mb)}
          </p>
          {p.errors?.file ? (
            <p class="error" id="f-file-error">
              {p.errors.file}
            </p>
          ) : null}
          <input type="file" id="f-file" name="file" accept={acceptOf(INTAKE_TYPES)} aria-describedby={p.errors?.file ? 'f-file-hint f-file-error' : 'f-file-hint'} aria-invalid={p.errors?.file ? 'true' : undefined} />
        </div>
        <button type="submit" class="primary">
          {m.intake.read}
        </button>
        <p class="hint" id="intake-manual-hint">
          {m.intake.manualHint}
        </p>
        <button type="submit" name="manual" value="1" aria-describedby="intake-manual-hint">
          {m.intake.manual}
        </button>
      </Form>
    </Layout>
  );
}

/** Several documents in one text: the clerk picks the one to register. */
export function IntakeChoosePage(p: { rc: RequestContext; unit: Unit; direction: Direction; sourceId: string | null; found: { number: string | null; kind: DocumentKind; subject: string | null; issuer: string | null; date: string | null; text: string }[] }) {
  const { rc, unit } = p;
  const m = dm(rc);
  return (
    <Layout rc={rc} title={`${m.intake.title}: ${unit.name}`}>
      <Breadcrumbs items={[{ href: '/documents', label: m.nav.library }, { href: `/documents/intake/${unit.id}`, label: m.intake.title }, { label: unit.name }]} />
      <h1>{m.intake.title}</h1>
      <p>{m.intake.found(p.found.length)}</p>
      <ol class="list">
        {p.found.map((d, i) => (
          <li key={i}>
            <p>
              <strong>
                {m.kinds[d.kind]} {d.number ?? ''}
              </strong>
              {d.date ? ` · ${formatDate(d.date)}` : ''}
              {d.issuer ? ` · ${d.issuer}` : ''}
            </p>
            {d.subject ? <p>{d.subject}</p> : null}
            <Form rc={rc} action={`/documents/intake/${unit.id}/read`} multipart>
              <input type="hidden" name="direction" value={p.direction} />
              <input type="hidden" name="pick" value="1" />
              {p.sourceId ? <input type="hidden" name="sourceId" value={p.sourceId} /> : null}
              <textarea name="text" hidden aria-hidden="true" tabIndex={-1} aria-label={m.fields.text}>
                {d.text}
              </textarea>
              <button type="submit">{m.intake.pick}</button>
            </Form>
          </li>
        ))}
      </ol>
    </Layout>
  );
}

/** The header of a document as form fields: intake and correction share them. */
function HeaderFieldset(p: { m: DocumentMessages; v: FormValues; e: FieldErrors | undefined; incoming: boolean }) {
  const { m, v, e } = p;
  return (
    <fieldset>
      <legend>{m.intake.headerPart}</legend>
      <Field name="number" label={m.fields.number} hint={m.fields.numberHint} values={v} errors={e} maxLength={80} />
      <SelectField name="kind" label={m.fields.kind} required options={kindOptions(m)} values={v} errors={e} />
      <Field name="issuer" label={m.fields.issuer} required={p.incoming} values={v} errors={e} maxLength={300} />
      <Field name="place" label={m.fields.place} values={v} errors={e} maxLength={100} />
      <Field name="date" label={m.fields.date} placeholder={m.fields.datePlaceholder} inputMode="numeric" values={v} errors={e} maxLength={10} />
      <SelectField name="urgency" label={m.fields.urgency} blank="—" options={URGENCIES.map((u) => ({ value: u, label: m.urgency[u] }))} values={v} errors={e} />
      <SelectField name="secrecy" label={m.fields.secrecy} blank="—" options={SECRECIES.map((s) => ({ value: s, label: m.secrecy[s] }))} values={v} errors={e} />
      <TextArea name="subject" label={m.fields.subject} required rows={3} values={v} errors={e} maxLength={1000} />
      <Field name="signerTitle" label={m.fields.signerTitle} values={v} errors={e} maxLength={200} />
      <Field name="signer" label={m.fields.signer} values={v} errors={e} maxLength={200} />
      <TextArea name="recipients" label={m.fields.recipients} hint={m.fields.linesHint} rows={3} values={v} errors={e} />
      <TextArea name="copiesTo" label={m.fields.copiesTo} hint={m.fields.linesHint} rows={3} values={v} errors={e} />
    </fieldset>
  );
}

function RelationsFieldset(p: { m: DocumentMessages; v: FormValues; e: FieldErrors | undefined }) {
  const { m, v, e } = p;
  return (
    <fieldset>
      <legend>{m.intake.relationsPart}</legend>
      <TextArea name="references" label={m.fields.references} hint={m.fields.referencesHint} rows={3} values={v} errors={e} />
      <TextArea name="supersedes" label={m.fields.supersedes} hint={m.fields.referencesHint} rows={1} values={v} errors={e} />
      <TextArea name="amends" label={m.fields.amends} hint={m.fields.referencesHint} rows={1} values={v} errors={e} />
    </fieldset>
  );
}

/** Error-summary labels of the header fields. */
function headerLabels(m: DocumentMessages): Record<string, string> {
  return {
    number: m.fields.number,
    kind: m.fields.kind,
    issuer: m.fields.issuer,
    place: m.fields.place,
    date: m.fields.date,
    urgency: m.fields.urgency,
    secrecy: m.fields.secrecy,
    subject: m.fields.subject,
    signer: m.fields.signer,
    signerTitle: m.fields.signerTitle,
    recipients: m.fields.recipients,
    copiesTo: m.fields.copiesTo,
    references: m.fields.references,
    supersedes: m.fields.supersedes,
    amends: m.fields.amends,
    text: m.fields.text,
  };
}

export type IntakeFormProps = {
  rc: RequestContext;
  unit: Unit;
  values: FormValues;
  errors?: FieldErrors;
  staged: StagedFile[];
  notice?: string | null;
  duplicateOf?: number | null;
  enclosures: string[];
};

export function IntakeFormPage(p: IntakeFormProps) {
  const { rc, unit, values: v, errors: e } = p;
  const m = dm(rc);
  const mb = Math.round(rc.config.maxUploadBytes / 1048576);
  const incoming = (v.direction ?? 'incoming') !== 'outgoing';
  const stamp = v.receivedStamp ? (JSON.parse(v.receivedStamp) as { number: string | null; date: string | null; forwarded_to: string | null }) : null;
  const hasSource = p.staged.some((s) => s.role === 'source');
  const hasFiles = p.staged.length > 0;
  const labels: Record<string, string> = {
    ...headerLabels(m),
    source: m.fields.scan,
    entryDate: incoming ? m.fields.entryDateIn : m.fields.entryDateOut,
    dueOn: m.fields.dueOn,
    text: m.fields.text,
    references: m.fields.references,
    supersedes: m.fields.supersedes,
    amends: m.fields.amends,
    attachments: m.fields.attachments,
    copies: m.fields.copies,
    urgency: m.fields.urgency,
    secrecy: m.fields.secrecy,
    direction: m.fields.direction,
  };
  return (
    <Layout rc={rc} title={`${m.intake.title}: ${unit.name}`}>
      <Breadcrumbs items={[{ href: '/documents', label: m.nav.library }, { href: `/documents/intake/${unit.id}`, label: m.intake.title }, { label: unit.name }]} />
      <h1>{m.intake.title}</h1>
      <p class="muted">
        {unit.name} · {incoming ? m.nav.incomingRegister : m.nav.outgoingRegister}
      </p>
      <h2>{m.intake.step2}</h2>
      <ErrorSummary rc={rc} errors={e} labels={labels} />
      {p.duplicateOf ? (
        <p class="notice">
          <a href={`/documents/${p.duplicateOf}`}>{m.errors.duplicateLink}</a>
        </p>
      ) : null}
      {p.notice ? <p class="notice">{p.notice}</p> : null}
      <Form rc={rc} action={`/documents/intake/${unit.id}`} multipart id="intake-form" class="intake">
        <input type="hidden" name="direction" value={incoming ? 'incoming' : 'outgoing'} />
        {v.receivedStamp ? <input type="hidden" name="receivedStamp" value={v.receivedStamp} /> : null}
        {v.sourceId ? <input type="hidden" name="sourceId" value={v.sourceId} /> : null}
        <div class="intake-fields">
          {v.text?.trim() ? <p class="hint">{m.intake.parsedHint}</p> : null}
          <HeaderFieldset m={m} v={v} e={e} incoming={incoming} />
          <fieldset>
            <legend>{m.intake.registerPart}</legend>
            <p class="hint">{m.intake.numberAuto}</p>
            {stamp ? <p class="notice">{m.fields.stamp(stamp.number ?? '', stamp.date ? formatDate(stamp.date) : '', stamp.forwarded_to ?? '')}</p> : null}
            <Field name="entryDate" label={incoming ? m.fields.entryDateIn : m.fields.entryDateOut} required placeholder={m.fields.datePlaceholder} inputMode="numeric" values={v} errors={e} maxLength={10} />
            <Field name="counterpart" label={incoming ? m.fields.counterpartIn : m.fields.counterpartOut} hint={m.fields.counterpartHint} values={v} errors={e} maxLength={500} />
            <Field name="forwardedTo" label={incoming ? m.fields.forwardedToIn : m.fields.forwardedToOut} values={v} errors={e} maxLength={500} />
            {incoming ? <Field name="dueOn" label={m.fields.dueOn} placeholder={m.fields.datePlaceholder} inputMode="numeric" values={v} errors={e} maxLength={10} /> : <Field name="copies" label={m.fields.copies} inputMode="numeric" values={v} errors={e} maxLength={5} />}
            <Field name="note" label={m.fields.note} values={v} errors={e} maxLength={1000} />
          </fieldset>
          <RelationsFieldset m={m} v={v} e={e} />
          <fieldset>
            <legend>{m.fields.attachments}</legend>
            {p.enclosures.length ? (
              <div class="notice">
                <p>{m.intake.kemTheo}</p>
                <ul>
                  {p.enclosures.map((x, i) => (
                    <li key={i}>{x}</li>
                  ))}
                </ul>
              </div>
            ) : null}
            {p.staged.filter((s) => s.role === 'source').map((s) => (
              <p key={s.id}>
                {m.fields.sourceFile}: {s.fileName} ({m.doc.size(kb(s.size))})
              </p>
            ))}
            {!hasSource ? (
              <div class={`field${e?.source ? ' field-error' : ''}`}>
                <label for="f-source">{m.fields.scan}</label>
                <p class="hint" id="f-source-hint">
                  {m.fields.scanHint(typeList(SCAN_TYPES), mb)}
                </p>
                {e?.source ? (
                  <p class="error" id="f-source-error">
                    {e.source}
                  </p>
                ) : null}
                <input type="file" id="f-source" name="source" accept={acceptOf(SCAN_TYPES)} aria-describedby={e?.source ? 'f-source-hint f-source-error' : 'f-source-hint'} aria-invalid={e?.source ? 'true' : undefined} />
              </div>
            ) : null}
            {p.staged.some((s) => s.role === 'attachment') ? (
              <div>
                <p class="fieldset-label">{m.intake.uploaded}</p>
                {p.staged
                  .filter((s) => s.role === 'attachment')
                  .map((s) => (
                    <Checkbox key={s.id} name="keep" value={s.id} checked label={`${m.fields.keepUpload}: ${s.fileName} (${m.doc.size(kb(s.size))})`} />
                  ))}
              </div>
            ) : null}
            <div class={`field${e?.attachments ? ' field-error' : ''}`}>
              <label for="f-attachments">{m.fields.attachments}</label>
              <p class="hint" id="f-attachments-hint">
                {m.fields.attachmentsHint(typeList(ATTACHMENT_EXTENSIONS), mb)}
              </p>
              {e?.attachments ? (
                <p class="error" id="f-attachments-error">
                  {e.attachments}
                </p>
              ) : null}
              <input type="file" id="f-attachments" name="attachments" multiple accept={acceptOf(ATTACHMENT_EXTENSIONS)} aria-describedby={e?.attachments ? 'f-attachments-hint f-attachments-error' : 'f-attachments-hint'} aria-invalid={e?.attachments ? 'true' : undefined} />
            </div>
          </fieldset>
          <button type="submit" class="primary">
            {m.intake.save}
          </button>
        </div>
        <div class="intake-text">
          <TextArea name="text" label={m.intake.textPart} hint={m.fields.textOptional} rows={hasFiles && !v.text ? 8 : 30} values={v} errors={e} class="wide" />
        </div>
      </Form>
    </Layout>
  );
}

// --- correcting a registered document -----------------------------------------------------------

export function CorrectionPageView(p: { rc: RequestContext; doc: DocumentSummary; files: AttachmentInfo[]; version: string; values: FormValues; errors?: FieldErrors; duplicateOf?: number | null }) {
  const { rc, doc, values: v, errors: e } = p;
  const m = dm(rc);
  const title = `${m.kinds[doc.kind]} ${doc.number ?? ''}`.trim();
  return (
    <Layout rc={rc} title={m.doc.correctTitle(title)}>
      <Breadcrumbs items={[{ href: '/documents', label: m.nav.library }, { href: `/documents/${doc.id}`, label: title }, { label: m.doc.correct }]} />
      <h1>{m.doc.correctTitle(title)}</h1>
      <p class="hint">{m.doc.correctHint}</p>
      {doc.secrecy ? <p class="notice">{m.doc.classified}</p> : null}
      <ErrorSummary rc={rc} errors={e} labels={headerLabels(m)} />
      {p.duplicateOf ? (
        <p class="notice">
          <a href={`/documents/${p.duplicateOf}`}>{m.errors.duplicateLink}</a>
        </p>
      ) : null}
      <Form rc={rc} action={`/documents/${doc.id}/edit`} multipart id="correct-form" class="intake">
        <input type="hidden" name="version" value={v.version || p.version} />
        <div class="intake-fields">
          <HeaderFieldset m={m} v={v} e={e} incoming={doc.direction === 'incoming'} />
          <RelationsFieldset m={m} v={v} e={e} />
          <div class="actions">
            <button type="submit" class="primary">
              {rc.t.common.save}
            </button>
            <a href={`/documents/${doc.id}`}>{m.doc.cancel}</a>
          </div>
        </div>
        <div class="intake-text">
          <TextArea name="text" label={m.intake.textPart} {...(p.files.length ? { hint: m.fields.textOptional } : {})} rows={p.files.length && !v.text ? 8 : 30} values={v} errors={e} class="wide" />
        </div>
      </Form>
    </Layout>
  );
}

// --- the document -------------------------------------------------------------------------------

const PARTY_ISSUER = /\b(?:tinh uy|huyen uy|thanh uy|thi uy|dang uy|ban chap hanh|ban thuong vu|ban bi thu|bo chinh tri|trung uong dang|van phong trung uong|chi bo|dang doan|ban can su)\b/;

/** Party documents (Hướng dẫn 36-HD/VPTW) carry the party motto; state ones (Nghị định 30) the national one. */
export function isPartyDocument(doc: Pick<DocumentSummary, 'number' | 'issuer'>, issuerTree: string | null): boolean {
  if (issuerTree === 'party') return true;
  if (issuerTree === 'state') return false;
  if (doc.number && /^\d+-/.test(doc.number)) return true;
  const f = (doc.issuer ?? '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase();
  return PARTY_ISSUER.test(f);
}

type Block = { kind: 'p' | 'item' | 'sub' | 'heading'; label?: string; text: string };

/** The body as blocks a phone can show: numbered items, sub-items, headings, paragraphs. */
export function bodyBlocks(body: string): Block[] {
  const out: Block[] = [];
  const clean = (s: string) => s.replace(/\*\*|__/g, '').replace(/^#+\s*/, '').replace(/\s+/g, ' ').trim();
  for (const para of body.replace(/\r\n?/g, '\n').split(/\n\s*\n/)) {
    let current: Block | null = null;
    for (const raw of para.split('\n')) {
      const line = clean(raw);
      if (!line) continue;
      const item = /^(\d{1,2}(?:\.\d{1,2})*)\s*[.)\-–]\s+(.*)$/u.exec(line);
      const sub = /^([a-zđ]\)|[-–+•])\s*(.*)$/u.exec(line);
      const roman = /^([IVX]{1,5})\s*[.\-–]\s+(.*)$/u.exec(line);
      if (item) current = { kind: 'item', label: item[1]!, text: item[2]! };
      else if (roman) current = { kind: 'heading', label: roman[1]!, text: roman[2]! };
      else if (sub) current = { kind: 'sub', label: sub[1]!.length === 1 && /[-–+•]/.test(sub[1]!) ? '–' : sub[1]!, text: sub[2]! };
      else if (current && !/[.:;!?]$/.test(current.text)) {
        current.text += ` ${line}`;
        continue;
      } else current = { kind: line.length < 90 && line === line.toUpperCase() && /\p{Lu}/u.test(line) ? 'heading' : 'p', text: line };
      out.push(current);
    }
  }
  return out;
}

function dateParts(iso: string) {
  return { d: iso.slice(8, 10), m: iso.slice(5, 7), y: iso.slice(0, 4) };
}

function RelatedLink(p: { rc: RequestContext; doc: RelatedDoc | null; number: string; date: string | null; kind: DocumentKind | null; canOpen: boolean }) {
  const m = dm(p.rc);
  const name = [p.doc ? m.kinds[p.doc.kind] : p.kind ? m.kinds[p.kind] : null, p.doc?.number ?? p.number, (p.doc?.date ?? p.date) ? m.doc.dated(formatDate(p.doc?.date ?? p.date)) : null].filter(Boolean).join(' ');
  if (p.doc && p.canOpen) {
    return (
      <>
        <a href={`/documents/${p.doc.id}`}>{name}</a>
        {p.doc.secrecy ? null : <span class="muted"> — {p.doc.subject}</span>}
      </>
    );
  }
  return (
    <>
      {name} <span class="tag">{m.doc.placeholder}</span>
    </>
  );
}

export function DocumentPage(p: { rc: RequestContext; doc: DocumentSummary; unit: Unit; issuerUnit: Unit | null; entry: RegisterEntry | undefined; handledByName: string | null; attachments: AttachmentInfo[]; related: Related; canEdit: boolean; canOpen: (d: RelatedDoc) => boolean; /** Sections other features add (addDocumentSection in ./routes.tsx). */ sections?: ComponentChildren[]; entryErrors?: FieldErrors; entryValues?: FormValues }) {
  const { rc, doc, entry } = p;
  const m = dm(rc);
  const party = isPartyDocument(doc, p.issuerUnit?.tree ?? null);
  const issuerName = doc.issuer ?? p.issuerUnit?.name ?? '';
  const title = `${m.kinds[doc.kind]} ${doc.number ?? ''}`.trim();
  const superseded = p.related.incoming.some((l) => l.kind === 'supersedes');
  const group = (kind: 'cites' | 'supersedes' | 'amends') => p.related.outgoing.filter((l) => l.kind === kind);
  const back = (kind: 'cites' | 'supersedes' | 'amends') => p.related.incoming.filter((l) => l.kind === kind);
  const sections: [string, ComponentChildren[]][] = [
    [m.doc.supersedes, group('supersedes').map((l, i) => <li key={`s${i}`}><RelatedLink rc={rc} doc={l.target} number={l.number} date={l.date} kind={l.targetKind} canOpen={!!l.target && p.canOpen(l.target)} /></li>)],
    [m.doc.supersededBy, back('supersedes').map((l) => <li key={`sb${l.from.id}`}><RelatedLink rc={rc} doc={l.from} number={l.from.number ?? ''} date={l.from.date} kind={l.from.kind} canOpen={p.canOpen(l.from)} /></li>)],
    [m.doc.amends, group('amends').map((l, i) => <li key={`a${i}`}><RelatedLink rc={rc} doc={l.target} number={l.number} date={l.date} kind={l.targetKind} canOpen={!!l.target && p.canOpen(l.target)} /></li>)],
    [m.doc.amendedBy, back('amends').map((l) => <li key={`ab${l.from.id}`}><RelatedLink rc={rc} doc={l.from} number={l.from.number ?? ''} date={l.from.date} kind={l.from.kind} canOpen={p.canOpen(l.from)} /></li>)],
    [m.doc.cites, group('cites').map((l, i) => <li key={`c${i}`}><RelatedLink rc={rc} doc={l.target} number={l.number} date={l.date} kind={l.targetKind} canOpen={!!l.target && p.canOpen(l.target)} /></li>)],
    [m.doc.citedBy, back('cites').filter((l) => p.canOpen(l.from)).map((l) => <li key={`cb${l.from.id}`}><RelatedLink rc={rc} doc={l.from} number={l.from.number ?? ''} date={l.from.date} kind={l.from.kind} canOpen /></li>)],
  ];
  const visibleSections = sections.filter(([, items]) => items.length > 0);
  const dp = doc.date ? dateParts(doc.date) : null;
  return (
    <Layout rc={rc} title={title}>
      <Breadcrumbs items={[{ href: '/documents', label: m.nav.library }, { label: title }]} />
      {doc.secrecy ? <p class="notice">{m.doc.classified}</p> : null}
      {p.canEdit ? (
        <p class="actions">
          <a class="button" href={`/documents/${doc.id}/edit`}>
            {m.doc.correct}
          </a>
        </p>
      ) : null}
      {superseded ? <p class="notice">{m.doc.superseded}</p> : null}
      <article class="doc" aria-labelledby="doc-title">
        <div class="doc-header">
          <div class="doc-issuer">
            <p class="doc-issuer-name">{issuerName.toUpperCase()}</p>
            {party ? <p aria-hidden="true">*</p> : null}
            <p>
              {doc.number ? `${m.doc.numberLabel}${party ? ' ' : ': '}${doc.number}` : `${m.doc.numberLabel}: …`}
            </p>
            {doc.kind === 'cong_van' && doc.subject ? (
              <p class="doc-vv">
                {/^(?:v\/v|về)\s/iu.test(doc.subject) ? doc.subject : `${m.doc.vv} ${doc.subject}`}
              </p>
            ) : null}
            <p>
              <UrgencyTag m={m} urgency={doc.urgency} secrecy={doc.secrecy} />
            </p>
          </div>
          <div class="doc-motto">
            {party ? (
              <p class="doc-motto-line">{m.doc.partyMotto}</p>
            ) : (
              <>
                <p class="doc-motto-line">{m.doc.stateMotto1}</p>
                <p class="doc-motto-sub">{m.doc.stateMotto2}</p>
              </>
            )}
            <p class="doc-date">{dp ? m.doc.dateLine(doc.place ?? '', dp.d, dp.m, dp.y) : doc.place ? m.doc.placeOnly(doc.place) : ''}</p>
          </div>
        </div>
        <h1 id="doc-title" class="doc-title">
          {doc.kind === 'cong_van' ? title : m.kinds[doc.kind].toUpperCase()}
        </h1>
        {doc.kind !== 'cong_van' ? <p class="doc-subject">{doc.subject}</p> : null}
        {doc.recipients.length ? (
          <div class="doc-recipients">
            <p>
              <strong>{m.doc.recipients}:</strong>
            </p>
            <ul>
              {doc.recipients.map((r, i) => (
                <li key={i}>{r}</li>
              ))}
            </ul>
          </div>
        ) : null}
        <div class="doc-body">
          {!doc.body.trim() ? (
            <p class="notice">
              {m.doc.scanOnly}{' '}
              {p.attachments.filter((a) => a.role === 'source').length
                ? p.attachments
                    .filter((a) => a.role === 'source')
                    .map((a) => (
                      <a key={a.id} href={`/documents/${doc.id}/files/${a.id}`} download={a.fileName}>
                        {a.fileName}
                      </a>
                    ))
                : p.attachments.map((a) => (
                    <a key={a.id} href={`/documents/${doc.id}/files/${a.id}`} download={a.fileName}>
                      {a.fileName}
                    </a>
                  ))}
            </p>
          ) : null}
          {bodyBlocks(doc.body).map((b, i) =>
            b.kind === 'heading' ? (
              <h2 key={i} class="doc-section">
                {b.label ? `${b.label}. ` : ''}
                {b.text}
              </h2>
            ) : (
              <p key={i} class={b.kind === 'p' ? undefined : `doc-${b.kind}`}>
                {b.label ? <strong class="doc-label">{b.kind === 'item' ? `${b.label}.` : b.label}</strong> : null}
                {b.label ? ' ' : null}
                {b.text}
              </p>
            ),
          )}
        </div>
        <div class="doc-footer">
          {doc.copiesTo.length ? (
            <div class="doc-copies">
              <p>
                <strong>{m.doc.copiesTo}:</strong>
              </p>
              <ul>
                {doc.copiesTo.map((r, i) => (
                  <li key={i}>{r}</li>
                ))}
              </ul>
            </div>
          ) : null}
          {doc.signer || doc.signerTitle ? (
            <div class="doc-signer">
              {doc.signerTitle ? <p class="doc-signer-title">{doc.signerTitle}</p> : null}
              {doc.signer ? <p class="doc-signer-name">{doc.signer}</p> : null}
            </div>
          ) : null}
        </div>
      </article>
      {p.sections}

      <section aria-labelledby="h-register">
        <h2 id="h-register">{m.doc.register}</h2>
        <dl class="record">
          <dt>{m.doc.registeredBy}</dt>
          <dd>{p.unit.name}</dd>
          {entry ? (
            <>
              <dt>{entry.direction === 'incoming' ? m.doc.seqIn : m.doc.seqOut}</dt>
              <dd>
                <a href={`/documents/registers/${entry.unitId}?direction=${entry.direction}&year=${entry.year}`}>
                  {entry.seq}/{entry.year}
                </a>
              </dd>
              <dt>{entry.direction === 'incoming' ? m.fields.entryDateIn : m.fields.entryDateOut}</dt>
              <dd>{formatDate(entry.entryDate)}</dd>
              {entry.counterpart ? (
                <>
                  <dt>{entry.direction === 'incoming' ? m.fields.counterpartIn : m.fields.counterpartOut}</dt>
                  <dd>{entry.counterpart}</dd>
                </>
              ) : null}
              {entry.forwardedTo ? (
                <>
                  <dt>{entry.direction === 'incoming' ? m.fields.forwardedToIn : m.fields.forwardedToOut}</dt>
                  <dd>{entry.forwardedTo}</dd>
                </>
              ) : null}
              {entry.dueOn ? (
                <>
                  <dt>{m.fields.dueOn}</dt>
                  <dd>{formatDate(entry.dueOn)}</dd>
                </>
              ) : null}
              {entry.note ? (
                <>
                  <dt>{m.fields.note}</dt>
                  <dd>{entry.note}</dd>
                </>
              ) : null}
              <dt>{m.doc.status}</dt>
              <dd>{entry.handledAt ? `${m.doc.handled(formatDateTime(entry.handledAt))}${p.handledByName ? ` — ${p.handledByName}` : ''}` : m.doc.pending}</dd>
            </>
          ) : null}
        </dl>
        {entry && p.canEdit ? (
          <>
            {!entry.handledAt ? (
              <Form rc={rc} action={`/documents/${doc.id}/handled`}>
                <button type="submit" class="primary">
                  {m.doc.markHandled}
                </button>
              </Form>
            ) : null}
            <details open={!!p.entryErrors}>
              <summary>{m.doc.editEntry}</summary>
              <ErrorSummary rc={rc} errors={p.entryErrors} />
              <Form rc={rc} action={`/documents/${doc.id}/entry`}>
                <Field name="counterpart" label={entry.direction === 'incoming' ? m.fields.counterpartIn : m.fields.counterpartOut} values={p.entryValues ?? { counterpart: entry.counterpart ?? '' }} errors={p.entryErrors} maxLength={500} />
                <Field name="forwardedTo" label={entry.direction === 'incoming' ? m.fields.forwardedToIn : m.fields.forwardedToOut} values={p.entryValues ?? { forwardedTo: entry.forwardedTo ?? '' }} errors={p.entryErrors} maxLength={500} />
                <Field name="dueOn" label={m.fields.dueOn} placeholder={m.fields.datePlaceholder} inputMode="numeric" values={p.entryValues ?? { dueOn: formatDate(entry.dueOn) }} errors={p.entryErrors} maxLength={10} />
                <Field name="note" label={m.fields.note} values={p.entryValues ?? { note: entry.note ?? '' }} errors={p.entryErrors} maxLength={1000} />
                <button type="submit">{rc.t.common.save}</button>
              </Form>
            </details>
          </>
        ) : null}
      </section>

      <section aria-labelledby="h-files">
        <h2 id="h-files">{m.doc.attachments}</h2>
        {p.attachments.length === 0 ? (
          <p class="muted">{m.doc.noAttachments}</p>
        ) : (
          <ul class="list">
            {p.attachments.map((a) => (
              <li key={a.id}>
                <a href={`/documents/${doc.id}/files/${a.id}`} download={a.fileName}>
                  {a.fileName}
                </a>{' '}
                <span class="muted">
                  · {a.role === 'source' ? m.fields.sourceFile : m.fields.attachments} · {m.doc.size(kb(a.size))}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="h-related">
        <h2 id="h-related">{m.doc.related}</h2>
        {visibleSections.length === 0 ? <p class="muted">{m.doc.noRelated}</p> : null}
        {visibleSections.map(([label, items]) => (
          <div key={label}>
            <h3>{label}</h3>
            <ul class="list">{items}</ul>
          </div>
        ))}
      </section>
    </Layout>
  );
}

// --- library and search -------------------------------------------------------------------------

export function LibraryPageView(p: { rc: RequestContext; filters: LibraryFilters; page: number; result: LibraryPage; options: FilterOptions; canIntake: boolean; registers: Unit[] }) {
  const { rc, filters: f, result } = p;
  const m = dm(rc);
  const qs = (page: number) => {
    const s = new URLSearchParams();
    for (const [k, v] of Object.entries(f)) if (v != null && v !== '' && k !== 'unitId') s.set(k, String(v));
    if (page > 1) s.set('page', String(page));
    return `/documents?${s.toString()}`;
  };
  const values: Record<string, string> = { q: f.q ?? '', kind: f.kind ?? '', issuer: f.issuer ?? '', year: f.year ? String(f.year) : '', urgency: f.urgency ?? '', status: f.status ?? '' };
  const searching = result.mode !== 'list';
  return (
    <Layout rc={rc} title={searching ? `${m.library.search}: ${f.q}` : m.library.title}>
      <h1>{m.library.title}</h1>
      <div class="actions">
        {p.canIntake ? (
          <a class="button primary" href="/documents/intake">
            {m.library.intake}
          </a>
        ) : null}
        {p.registers.map((u) => (
          <a class="button" key={u.id} href={`/documents/registers/${u.id}`}>
            {m.nav.registers}: {u.shortName ?? u.name}
          </a>
        ))}
      </div>
      <Form rc={rc} action="/documents" method="get" class="search-form" id="library-search">
        <Field name="q" type="search" label={m.library.search} hint={m.library.searchHint} values={values} maxLength={200} />
        <details open={!!(f.kind || f.issuer || f.year || f.urgency || f.status)}>
          <summary>{m.library.filters}</summary>
          <div class="filters">
            <SelectField name="kind" label={m.fields.kind} blank={m.library.anyKind} options={kindOptions(m)} values={values} />
            <SelectField name="issuer" label={m.fields.issuer} blank={m.library.anyIssuer} options={p.options.issuers.map((i) => ({ value: i.key, label: i.label }))} values={values} />
            <SelectField name="year" label={m.library.year} blank={m.library.anyYear} options={p.options.years.map((y) => ({ value: String(y), label: String(y) }))} values={values} />
            <SelectField name="urgency" label={m.fields.urgency} blank={m.library.anyUrgency} options={URGENCIES.map((u) => ({ value: u, label: m.urgency[u] }))} values={values} />
            <SelectField name="status" label={m.library.status} blank={m.library.anyStatus} options={LIBRARY_STATUSES.map((s) => ({ value: s, label: m.library.statuses[s] }))} values={values} />
          </div>
        </details>
        <div class="actions">
          <button type="submit" class="primary">
            {m.library.apply}
          </button>
          <a href="/documents">{m.library.clear}</a>
        </div>
      </Form>
      {result.corrected ? (
        <p class="notice" role="status">
          {m.library.didYouMean} <strong>{result.corrected}</strong>
        </p>
      ) : null}
      <p role="status">{result.hits.length === 0 && !searching && !Object.values(values).some(Boolean) ? m.library.empty : m.library.results(result.total, result.totalCapped)}</p>
      <ol class="list results" start={(p.page - 1) * 20 + 1}>
        {result.hits.map((h) => (
          <li key={h.id}>
            <p class="result-title">
              <a href={`/documents/${h.id}`}>
                {m.kinds[h.kind]} {h.number ?? ''}
              </a>{' '}
              <UrgencyTag m={m} urgency={h.urgency} secrecy={h.secrecy} />
              {!h.handled && h.seq != null ? <span class="tag">{m.doc.pending}</span> : null}
            </p>
            <p class="result-subject">{h.subjectMarked ? <Marked text={h.subjectMarked} /> : h.subject}</p>
            <p class="muted">
              {[h.issuer, h.date ? formatDate(h.date) : null, `${h.direction === 'incoming' ? m.doc.seqIn : m.doc.seqOut} ${h.seq ?? '—'} · ${h.unitName}`].filter(Boolean).join(' · ')}
            </p>
            {h.snippet ? (
              <p class="snippet">
                <Marked text={h.snippet} />
              </p>
            ) : null}
          </li>
        ))}
      </ol>
      <Pager rc={rc} page={p.page} hasMore={result.hasMore} href={qs} />
    </Layout>
  );
}

// --- registers ----------------------------------------------------------------------------------

export function RegisterUnitsPage(p: { rc: RequestContext; units: Unit[] }) {
  const m = dm(p.rc);
  return (
    <Layout rc={p.rc} title={m.nav.registers}>
      <Breadcrumbs items={[{ href: '/documents', label: m.nav.library }, { label: m.nav.registers }]} />
      <h1>{m.nav.registers}</h1>
      <ul class="list">
        {p.units.map((u) => (
          <li key={u.id}>
            <strong>{u.name}</strong>
            <div class="actions">
              <a href={`/documents/registers/${u.id}?direction=incoming`}>{m.nav.incomingRegister}</a>
              <a href={`/documents/registers/${u.id}?direction=outgoing`}>{m.nav.outgoingRegister}</a>
            </div>
          </li>
        ))}
      </ul>
    </Layout>
  );
}

export function registerColumns(m: DocumentMessages, direction: Direction): string[] {
  const r = m.register;
  return direction === 'incoming'
    ? [r.colSeqIn, r.colDateIn, r.colFrom, r.colNumber, r.colDocDate, r.colKindSubject, r.colForward, r.colDue, r.colReceipt, r.colNote]
    : [r.colSeqOut, r.colDateOut, r.colNumber, r.colDocDate, r.colKindSubject, r.colSigner, r.colTo, r.colFile, r.colCopies, r.colNote];
}

/** One register row as the ten cells of Phụ lục IV (a classified row shows only its number, dates and stamp to those who may not read it). */
export function registerCells(m: DocumentMessages, direction: Direction, r: RegisterRow, readable: boolean): string[] {
  const subject = readable ? `${m.kinds[r.kind]}: ${r.subject}` : `${m.kinds[r.kind]} ${m.doc.classifiedRow}`;
  const receipt = r.handledAt ? `${r.handledByName ?? ''} ${formatDate(r.handledAt)}`.trim() : '';
  return direction === 'incoming'
    ? [String(r.seq), formatDate(r.entryDate), r.counterpart ?? r.issuer ?? '', r.number ?? '', formatDate(r.date), subject, readable ? (r.forwardedTo ?? '') : '', formatDate(r.dueOn), receipt, readable ? (r.note ?? '') : '']
    : [String(r.seq), formatDate(r.entryDate), r.number ?? '', formatDate(r.date), subject, r.signer ?? '', readable ? (r.counterpart ?? '') : '', readable ? (r.forwardedTo ?? '') : '', r.copies != null ? String(r.copies) : '', readable ? (r.note ?? '') : ''];
}

function RegisterTable(p: { rc: RequestContext; direction: Direction; rows: RegisterRow[]; readable: (r: RegisterRow) => boolean; caption: string; links?: boolean }) {
  const m = dm(p.rc);
  const cols = registerColumns(m, p.direction);
  const subjectCol = p.direction === 'incoming' ? 5 : 4;
  return (
    <div class="table-wrap">
      <table class="register">
        <caption>{p.caption}</caption>
        <thead>
          <tr>
            {cols.map((c) => (
              <th scope="col" key={c}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {p.rows.map((r) => {
            const readable = p.readable(r);
            const cells = registerCells(m, p.direction, r, readable);
            return (
              <tr key={r.documentId} class={!r.handledAt && (r.urgency === 'hoa_toc' || r.urgency === 'thuong_khan') ? 'flagged' : undefined}>
                {cells.map((c, i) => (
                  <td key={i} data-label={cols[i]}>
                    {i === subjectCol ? (
                      <>
                        {p.links !== false && readable ? <a href={`/documents/${r.documentId}`}>{c}</a> : c} <UrgencyTag m={m} urgency={r.urgency} secrecy={r.secrecy} />
                      </>
                    ) : (
                      c
                    )}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export type RegisterPageProps = {
  rc: RequestContext;
  unit: Unit;
  direction: Direction;
  year: number;
  years: number[];
  /** The months of the year that have entries, and the month shown (one month, 50 rows a page). */
  months: { month: number; count: number }[];
  month: number;
  page: number;
  hasMore: boolean;
  rows: RegisterRow[];
  urgent: RegisterRow[];
  readable: (r: RegisterRow) => boolean;
  canIntake: boolean;
  xlsx: boolean;
};

export function RegisterPageView(p: RegisterPageProps) {
  const { rc, unit, direction, year } = p;
  const m = dm(rc);
  const title = m.register.title(direction, unit.name, year);
  const base = `/documents/registers/${unit.id}`;
  const monthHref = (month: number, page = 1) => `${base}?direction=${direction}&year=${year}&month=${month}${page > 1 ? `&page=${page}` : ''}`;
  const inMonth = p.months.find((x) => x.month === p.month)?.count ?? 0;
  const from = (p.page - 1) * REGISTER_PAGE_SIZE + 1;
  return (
    <Layout rc={rc} title={title}>
      <Breadcrumbs items={[{ href: '/documents', label: m.nav.library }, { href: '/documents/registers', label: m.nav.registers }, { label: unit.name }]} />
      <h1>{title}</h1>
      <nav class="actions" aria-label={m.nav.registers}>
        <a href={`${base}?direction=incoming`} aria-current={direction === 'incoming' ? 'page' : undefined}>
          {m.nav.incomingRegister}
        </a>
        <a href={`${base}?direction=outgoing`} aria-current={direction === 'outgoing' ? 'page' : undefined}>
          {m.nav.outgoingRegister}
        </a>
        {p.canIntake ? <a href={`/documents/intake/${unit.id}`}>{m.nav.intake}</a> : null}
      </nav>
      {p.urgent.length ? (
        <section class="urgent" aria-labelledby="h-urgent">
          <h2 id="h-urgent">{m.register.urgentTitle}</h2>
          <ul class="list">
            {p.urgent.map((r) => (
              <li key={r.documentId}>
                <UrgencyTag m={m} urgency={r.urgency} secrecy={r.secrecy} />{' '}
                {p.readable(r) ? (
                  <a href={`/documents/${r.documentId}`}>
                    {m.kinds[r.kind]} {r.number ?? ''}: {r.subject}
                  </a>
                ) : (
                  `${m.kinds[r.kind]} ${r.number ?? ''} ${m.doc.classifiedRow}`
                )}{' '}
                <span class="muted">
                  · {direction === 'incoming' ? m.doc.seqIn : m.doc.seqOut} {r.seq}/{r.year} · {formatDate(r.entryDate)}
                  {r.dueOn ? ` · ${m.fields.dueOn} ${formatDate(r.dueOn)}` : ''}
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <Form rc={rc} action={base} method="get" class="inline-form">
        <input type="hidden" name="direction" value={direction} />
        <SelectField name="year" label={m.register.year} options={[...new Set([year, ...p.years])].sort((a, b) => b - a).map((y) => ({ value: String(y), label: String(y) }))} value={String(year)} />
        <button type="submit">{m.register.show}</button>
      </Form>
      <div class="actions">
        {p.xlsx ? <a href={`${base}/export.xlsx?direction=${direction}&year=${year}`}>{m.register.exportXlsx}</a> : null}
        <a href={`${base}/print?direction=${direction}&year=${year}`}>{m.register.print}</a>
      </div>
      {p.months.length > 1 || (p.months.length === 1 && p.months[0]!.month !== p.month) ? (
        <nav class="actions months" aria-label={m.register.months}>
          {p.months.map((x) => (
            <a key={x.month} href={monthHref(x.month)} aria-current={x.month === p.month ? 'page' : undefined}>
              {m.register.month(x.month, x.count)}
            </a>
          ))}
        </nav>
      ) : null}
      {p.rows.length === 0 ? (
        <p>{p.months.length ? m.register.noEntriesMonth(p.month, year) : m.register.noEntries}</p>
      ) : (
        <>
          <p role="status">{m.register.showing(p.month, year, inMonth, from, from + p.rows.length - 1)}</p>
          <RegisterTable rc={rc} direction={direction} rows={p.rows} readable={p.readable} caption={`${title} — ${m.register.month(p.month, inMonth)}`} />
          <Pager rc={rc} page={p.page} hasMore={p.hasMore} href={(n) => monthHref(p.month, n)} />
          <p class="muted">{m.register.fullYear}</p>
        </>
      )}
    </Layout>
  );
}

export function RegisterPrintView(p: { rc: RequestContext; unit: Unit; direction: Direction; year: number; rows: RegisterRow[]; readable: (r: RegisterRow) => boolean }) {
  const m = dm(p.rc);
  const title = m.register.title(p.direction, p.unit.name, p.year);
  return (
    <Layout rc={p.rc} title={title}>
      <div class="print-page">
        <p class="no-print notice">{m.register.printNote}</p>
        <p class="print-unit">{p.unit.name.toUpperCase()}</p>
        <h1 class="print-title">{(p.direction === 'incoming' ? m.nav.incomingRegister : m.nav.outgoingRegister).toUpperCase()}</h1>
        <p class="print-year">
          {m.register.year} {p.year}
        </p>
        {p.rows.length === 0 ? <p>{m.register.noEntries}</p> : <RegisterTable rc={p.rc} direction={p.direction} rows={p.rows} readable={p.readable} caption={title} links={false} />}
      </div>
    </Layout>
  );
}

