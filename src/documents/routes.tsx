// Routes of the documents feature: the library and search, intake (two steps, multipart, no
// JavaScript needed), the document page and its files, the registers (screen, print, Excel),
// and the JSON API. Every route is guarded by an action of the policy module.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { eq } from 'drizzle-orm';
import type { Feature } from '../core/feature.ts';
import type { RequestContext } from '../core/http/context.ts';
import type { ComponentChildren } from 'preact';
import { defineRoute, guard } from '../core/http/routes.ts';
import { redirectWithFlash, safeReturnPath, sendAttachment, sendPage } from '../core/http/render.ts';
import { cleanBody, formValues, type FieldErrors } from '../core/http/forms.ts';
import { can, isSystemAdmin, libraryScope } from '../core/policy/policy.ts';
import { loadUnitResource, unitResource } from '../core/policy/resources.ts';
import { DomainError } from '../core/errors.ts';
import { formatDate, parseDate, todayIso } from '../core/i18n/i18n.ts';
import type { JobQueue } from '../core/jobs/queue.ts';
import { accounts } from '../core/auth/schema.ts';
import { people } from '../people/schema.ts';
import { getUnit, findUnit, roots } from '../org/tree.ts';
import type { Unit } from '../org/schema.ts';
import { DOCUMENT_KINDS, DocumentReadError, isScannedPdfText, parseDocumentsWithText } from './parser/index.ts';
import { documentMessages } from './messages.ts';
import { DIRECTIONS, SECRECIES, URGENCIES, type Direction } from './schema.ts';
import {
  correctDocument,
  DuplicateDocumentError,
  entryOfDocument,
  getDocumentText,
  type DocumentSummary,
  getAttachment,
  getDocument,
  listAttachments,
  loadDocumentResource,
  markHandled,
  registerDocument,
  relatedDocuments,
  updateEntry,
  type RelatedDoc,
} from './documents.ts';
import { listRegister, listRegisterPage, registerMonths, registerYears, unitsByIds, urgentPending, urgentPendingCounts, type RegisterRow } from './registers.ts';
import { filterOptions, LIBRARY_STATUSES, searchLibrary, type LibraryFilters } from './search.ts';
import {
  ATTACHMENT_EXTENSIONS,
  INTAKE_TYPES,
  SCAN_TYPES,
  checkAttachment,
  checkIntakeFile,
  checkScan,
  findStaged,
  isImageFile,
  purgeStaleUploads,
  readMultipart,
  readSourceText,
  stageUpload,
  typeList,
  type FileProblem,
  type MultipartResult,
} from './uploads.ts';
import { enclosureMentions, valuesFromParsed } from './intake.ts';
import { validateCorrection, validateDocument, type CorrectableField } from './validation.ts';
import { CorrectionPageView, DocumentPage, IntakeChoosePage, IntakeFormPage, IntakeStartPage, IntakeUnitsPage, LibraryPageView, RegisterPageView, RegisterPrintView, RegisterUnitsPage } from './views.tsx';
import { registerWorkbook } from './export.ts';

declare module '../core/jobs/queue.ts' {
  interface JobPayloads {
    'documents.purge_uploads': Record<string, never>;
  }
}

const MAX_ID = 2_147_483_647;
const unitParams = z.object({ unitId: z.coerce.number().int().positive().max(MAX_ID) });
const docParams = z.object({ id: z.coerce.number().int().positive().max(MAX_ID) });
const fileParams = z.object({ id: z.coerce.number().int().positive().max(MAX_ID), fileId: z.coerce.number().int().positive().max(MAX_ID) });
const blankToUndefined = (v: unknown) => (v === '' || v == null ? undefined : v);
const libraryQuery = z.object({
  q: z.string().max(400).optional().catch(undefined),
  kind: z.preprocess(blankToUndefined, z.enum(DOCUMENT_KINDS).optional()).catch(undefined),
  issuer: z.preprocess(blankToUndefined, z.string().max(300).optional()).catch(undefined),
  year: z.preprocess(blankToUndefined, z.coerce.number().int().min(1900).max(2200).optional()).catch(undefined),
  urgency: z.preprocess(blankToUndefined, z.enum(URGENCIES).optional()).catch(undefined),
  status: z.preprocess(blankToUndefined, z.enum(LIBRARY_STATUSES).optional()).catch(undefined),
  page: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(10_000).optional()).catch(undefined),
});
type LibraryQuery = z.infer<typeof libraryQuery>;
const registerQuery = z.object({
  direction: z.enum(DIRECTIONS).catch('incoming').default('incoming'),
  year: z.preprocess(blankToUndefined, z.coerce.number().int().min(1900).max(2200).optional()).catch(undefined),
  month: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(12).optional()).catch(undefined),
  page: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(10_000).optional()).catch(undefined),
});
type RegisterQuery = z.infer<typeof registerQuery>;
const stampSchema = z.object({ number: z.string().max(50).nullable(), date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable(), forwarded_to: z.string().max(300).nullable() });

const byUnit = (action: 'document.intake' | 'register.view') => guard(action, (req: { params: { unitId: number } }, rc) => loadUnitResource(rc.db, req.params.unitId));
const byDoc = (action: 'document.view' | 'document.edit') => guard(action, (req: { params: { id: number } }, rc) => loadDocumentResource(rc.db, req.params.id));

/** A section another feature adds to a document's page (e.g. "Giao nhiệm vụ từ văn bản này"); null shows nothing. */
export type DocumentSection = (rc: RequestContext, doc: DocumentSummary) => Promise<ComponentChildren> | ComponentChildren;
declare module 'fastify' {
  interface FastifyInstance {
    documentSections?: DocumentSection[];
  }
}
/** Features add sections to the document page from their `routes(app)`, in the order they register. */
export function addDocumentSection(app: FastifyInstance, section: DocumentSection): void {
  if (!app.hasDecorator('documentSections')) app.decorate('documentSections', [] as DocumentSection[]);
  app.documentSections!.push(section);
}
async function documentSections(app: FastifyInstance, rc: RequestContext, id: number): Promise<ComponentChildren[]> {
  const doc = await getDocument(rc.db, id);
  return Promise.all((app.documentSections ?? []).map((s) => s(rc, doc)));
}

/** Units where the actor holds one of these roles (grants), for the menus. */
async function grantUnits(rc: RequestContext, roles: string[]): Promise<Unit[]> {
  const ids = [...new Set(rc.actor!.grants.filter((g) => roles.includes(g.role) && g.unitId != null).map((g) => g.unitId!))];
  return (await unitsByIds(rc.db, ids)).filter((u) => u.tree !== 'external' && u.kind !== 'cell');
}
const intakeUnits = async (rc: RequestContext) => (await grantUnits(rc, ['office_clerk'])).filter((u) => can(rc.actor, 'document.intake', unitResource(u)));
async function registerUnits(rc: RequestContext): Promise<Unit[]> {
  if (isSystemAdmin(rc.actor!)) return (await roots(rc.db)).filter((u) => u.tree !== 'external');
  return grantUnits(rc, ['office_clerk', 'committee_member', 'unit_admin']);
}

const first = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? ''));
const all = (v: string | string[] | undefined): string[] => (Array.isArray(v) ? v : v ? [v] : []);

function problemMessage(rc: RequestContext, p: FileProblem, field: 'intake' | 'scan' | 'attachment'): string {
  const m = documentMessages(rc.locale).errors;
  if (p.kind === 'empty') return m.fileEmpty(p.fileName);
  if (p.kind === 'content') return m.fileContent(p.fileName);
  if (field === 'intake') return m.sourceType(p.fileName, typeList(INTAKE_TYPES));
  if (field === 'scan') return m.sourceType(p.fileName, typeList(SCAN_TYPES));
  return m.fileType(p.fileName, typeList(ATTACHMENT_EXTENSIONS));
}

function uploadLimitErrors(rc: RequestContext, mp: MultipartResult, field: string): FieldErrors {
  const m = documentMessages(rc.locale).errors;
  const mb = Math.round(rc.config.maxUploadBytes / 1048576);
  if (mp.tooLarge.length) return { [field]: m.fileTooLarge(mp.tooLarge[0]!, mb) };
  if (mp.tooManyFiles) return { [field]: m.tooManyFiles(5) };
  return {};
}

async function documentPage(rc: RequestContext, id: number, extra: { entryErrors?: FieldErrors; entryValues?: Record<string, string>; sections?: ComponentChildren[] } = {}) {
  const doc = await getDocument(rc.db, id);
  const unit = await getUnit(rc.db, doc.unitId);
  const issuerUnit = doc.issuerUnitId ? ((await findUnit(rc.db, doc.issuerUnitId)) ?? null) : null;
  const entry = await entryOfDocument(rc.db, id);
  let handledByName: string | null = null;
  if (entry?.handledBy) {
    const [row] = await rc.db.select({ name: people.fullName }).from(accounts).innerJoin(people, eq(people.id, accounts.personId)).where(eq(accounts.id, entry.handledBy));
    handledByName = row?.name ?? null;
  }
  const res = { type: 'document' as const, id: doc.id, unitPath: unit.path, classified: doc.secrecy != null };
  const canOpen = (d: RelatedDoc) => can(rc.actor, 'document.view', { type: 'document', id: d.id, unitPath: d.unitPath, classified: d.secrecy != null });
  return (
    <DocumentPage
      rc={rc}
      doc={doc}
      unit={unit}
      issuerUnit={issuerUnit}
      entry={entry}
      handledByName={handledByName}
      attachments={await listAttachments(rc.db, id)}
      related={await relatedDocuments(rc.db, id)}
      canEdit={can(rc.actor, 'document.edit', res)}
      canOpen={canOpen}
      {...extra}
    />
  );
}

/** The names of the correctable fields, as the form labels them (for the saved message). */
function correctionLabels(m: ReturnType<typeof documentMessages>): Record<CorrectableField, string> {
  const f = m.fields;
  return {
    number: f.number, kind: f.kind, issuer: f.issuer, place: f.place, date: f.date, urgency: f.urgency, secrecy: f.secrecy, subject: f.subject, signer: f.signer,
    signerTitle: f.signerTitle, recipients: f.recipients, copiesTo: f.copiesTo, references: f.references, supersedes: f.supersedes, amends: f.amends, text: f.text,
  };
}

function correctionProps(rc: RequestContext, doc: DocumentSummary, files: Awaited<ReturnType<typeof listAttachments>>) {
  return { rc, doc, files, version: doc.updatedAt.toISOString() };
}

/** The correction form, filled with the document as it is now. */
async function correctionPage(rc: RequestContext, id: number, errors?: FieldErrors) {
  const doc = await getDocument(rc.db, id);
  const related = await relatedDocuments(rc.db, id);
  const numbers = (kind: 'cites' | 'supersedes' | 'amends') => related.outgoing.filter((l) => l.kind === kind).map((l) => l.number).join('\n');
  const values: Record<string, string> = {
    number: doc.number ?? '',
    kind: doc.kind,
    issuer: doc.issuer ?? '',
    place: doc.place ?? '',
    date: formatDate(doc.date),
    urgency: doc.urgency ?? '',
    secrecy: doc.secrecy ?? '',
    subject: doc.subject,
    signer: doc.signer ?? '',
    signerTitle: doc.signerTitle ?? '',
    recipients: doc.recipients.join('\n'),
    copiesTo: doc.copiesTo.join('\n'),
    references: numbers('cites'),
    supersedes: numbers('supersedes'),
    amends: numbers('amends'),
    text: await getDocumentText(rc.db, id),
    version: doc.updatedAt.toISOString(),
  };
  return <CorrectionPageView {...correctionProps(rc, doc, await listAttachments(rc.db, id))} values={values} {...(errors ? { errors } : {})} />;
}

function readableRow(rc: RequestContext, unit: Unit) {
  return (r: RegisterRow) => can(rc.actor, 'document.view', { type: 'document', id: r.documentId, unitPath: unit.path, classified: r.secrecy != null });
}

async function registerYear(rc: RequestContext, unitId: number, direction: Direction, asked: number | undefined): Promise<{ year: number; years: number[] }> {
  const years = await registerYears(rc.db, unitId, direction);
  return { year: asked ?? years[0] ?? Number(todayIso().slice(0, 4)), years };
}

/** The API's view of a document. */
const documentJson = z.object({
  id: z.number(),
  unitId: z.number(),
  direction: z.enum(DIRECTIONS),
  number: z.string().nullable(),
  kind: z.enum(DOCUMENT_KINDS),
  issuer: z.string().nullable(),
  issuerUnitId: z.number().nullable(),
  place: z.string().nullable(),
  date: z.string().nullable(),
  urgency: z.enum(URGENCIES).nullable(),
  secrecy: z.enum(SECRECIES).nullable(),
  subject: z.string(),
  signer: z.string().nullable(),
  signerTitle: z.string().nullable(),
  recipients: z.array(z.string()),
  copiesTo: z.array(z.string()),
  body: z.string(),
});
const hitJson = z.object({
  id: z.number(),
  number: z.string().nullable(),
  kind: z.enum(DOCUMENT_KINDS),
  issuer: z.string().nullable(),
  date: z.string().nullable(),
  urgency: z.enum(URGENCIES).nullable(),
  secrecy: z.enum(SECRECIES).nullable(),
  subject: z.string(),
  direction: z.enum(DIRECTIONS),
  seq: z.number().nullable(),
  handled: z.boolean(),
  rank: z.number().nullable(),
  snippet: z.string().nullable().describe('Matched words are wrapped in ⟦ and ⟧'),
});

export const documentsFeature: Feature = {
  name: 'documents',
  homeTiles: async (rc) => {
    if (!rc.actor || !can(rc.actor, 'document.library', { type: 'self' })) return [];
    const m = documentMessages(rc.locale);
    const clerkUnits = rc.actor.grants.filter((g) => g.role === 'office_clerk' && g.unitId != null).map((g) => g.unitId!);
    const counts = await urgentPendingCounts(rc.db, clerkUnits);
    const n = counts.hoa_toc + counts.thuong_khan + counts.khan;
    return [{ href: '/documents', icon: '📄', label: m.nav.library, sub: m.nav.tileSub(counts), ...(n ? { count: n } : {}) }];
  },
  navLinks: (rc) => (rc.actor && can(rc.actor, 'document.library', { type: 'self' }) ? [{ href: '/documents', label: documentMessages(rc.locale).nav.link }] : []),
  jobs: async (queue: JobQueue) => {
    queue.register('documents.purge_uploads', async (_p, { db }) => ({ removed: await purgeStaleUploads(db) }));
    await queue.schedule('documents.purge_uploads', '41 3 * * *', 'documents.purge_uploads', {});
  },
  routes: (app: FastifyInstance) => {
    // The library and its search.
    defineRoute<unknown, LibraryQuery>(app, {
      method: 'GET',
      url: '/documents',
      query: libraryQuery,
      access: guard('document.library', () => ({ type: 'self' as const })),
      handler: async (req, reply, rc) => {
        const scope = libraryScope(rc.actor!);
        const { page, ...filters } = req.query;
        const result = await searchLibrary(rc.db, scope, filters as LibraryFilters, { page: page ?? 1 });
        const canIntake = (await intakeUnits(rc)).length > 0;
        return sendPage(reply, <LibraryPageView rc={rc} filters={filters} page={page ?? 1} result={result} options={await filterOptions(rc.db, scope)} canIntake={canIntake} registers={await registerUnits(rc)} />);
      },
    });

    // Intake.
    defineRoute(app, {
      method: 'GET',
      url: '/documents/intake',
      access: guard('document.library', () => ({ type: 'self' as const })),
      handler: async (_req, reply, rc) => {
        const list = await intakeUnits(rc);
        if (list.length === 1) return reply.redirect(`/documents/intake/${list[0]!.id}`, 303);
        return sendPage(reply, <IntakeUnitsPage rc={rc} units={list} />);
      },
    });
    defineRoute<{ unitId: number }>(app, {
      method: 'GET',
      url: '/documents/intake/:unitId',
      params: unitParams,
      access: byUnit('document.intake'),
      handler: async (req, reply, rc) => sendPage(reply, <IntakeStartPage rc={rc} unit={await getUnit(rc.db, req.params.unitId)} />),
    });
    defineRoute<{ unitId: number }>(app, {
      method: 'POST',
      url: '/documents/intake/:unitId/read',
      params: unitParams,
      access: byUnit('document.intake'),
      handler: async (req, reply, rc) => {
        const m = documentMessages(rc.locale);
        const unit = await getUnit(rc.db, req.params.unitId);
        const mp = await readMultipart(req);
        const direction: Direction = first(mp.fields.direction) === 'outgoing' ? 'outgoing' : 'incoming';
        let text = first(mp.fields.text);
        let sourceId: string | null = first(mp.fields.sourceId) || null;
        const errors: FieldErrors = uploadLimitErrors(rc, mp, 'file');
        if (mp.truncatedFields.includes('text')) errors.text = m.errors.textLong(1_000_000);
        const file = mp.files.find((f) => f.field === 'file');
        // A scan (an image, or a PDF without a text layer) is kept as the original; the clerk types the header.
        let scanNotice: string | null = null;
        if (file && !errors.file) {
          const check = checkIntakeFile(file);
          if (!check.ok) errors.file = problemMessage(rc, check.problem, 'intake');
          else if (isImageFile(file.fileName)) {
            sourceId = (await stageUpload(rc.db, { accountId: rc.account!.id, unitId: unit.id }, 'source', file, check.mime)).id;
            scanNotice = `${m.intake.scanImage} ${m.intake.scanKept(file.fileName)}`;
          } else {
            try {
              const read = await readSourceText(file);
              sourceId = (await stageUpload(rc.db, { accountId: rc.account!.id, unitId: unit.id }, 'source', file, check.mime)).id;
              if (/\.pdf$/i.test(file.fileName) && isScannedPdfText(read)) scanNotice = `${m.errors.scanPdf}. ${m.intake.scanKept(file.fileName)}`;
              else text = read;
            } catch (e) {
              if (!(e instanceof DocumentReadError)) throw e;
              errors.file = e.message.replace(/"[^"]*(?:source|sotay-intake)[^"]*"/g, `"${file.fileName}"`);
            }
          }
        }
        const manual = first(mp.fields.manual) === '1';
        if (!errors.file && !errors.text && !text.trim() && !scanNotice && !manual) errors.text = m.errors.text;
        if (Object.keys(errors).length) {
          const status = mp.tooLarge.length ? 413 : 422;
          return sendPage(reply, <IntakeStartPage rc={rc} unit={unit} values={{ direction, text }} errors={errors} />, status);
        }
        const found = text.trim() ? parseDocumentsWithText(text) : [];
        if (found.length > 1 && first(mp.fields.pick) !== '1') {
          return sendPage(
            reply,
            <IntakeChoosePage rc={rc} unit={unit} direction={direction} sourceId={sourceId} found={found.map((f) => ({ number: f.document.number, kind: f.document.kind, subject: f.document.subject, issuer: f.document.issuer, date: f.document.date, text: f.text }))} />,
          );
        }
        const doc = found[0]?.document ?? null;
        const values = valuesFromParsed(doc, text.normalize('NFC').trim(), direction, todayIso());
        if (sourceId) values.sourceId = sourceId;
        const staged = sourceId ? await findStaged(rc.db, { accountId: rc.account!.id, unitId: unit.id }, [sourceId]) : [];
        const notice = scanNotice ?? (doc || manual ? null : m.errors.noDocument);
        return sendPage(reply, <IntakeFormPage rc={rc} unit={unit} values={values} staged={staged} notice={notice} enclosures={enclosureMentions(text)} />);
      },
    });
    defineRoute<{ unitId: number }>(app, {
      method: 'POST',
      url: '/documents/intake/:unitId',
      params: unitParams,
      access: byUnit('document.intake'),
      handler: async (req, reply, rc) => {
        const m = documentMessages(rc.locale);
        const unit = await getUnit(rc.db, req.params.unitId);
        const owner = { accountId: rc.account!.id, unitId: unit.id };
        const mp = await readMultipart(req);
        const fields: Record<string, string> = {};
        for (const [k, v] of Object.entries(mp.fields)) if (k !== 'keep' && k !== '_csrf') fields[k] = first(v);
        const errors: FieldErrors = uploadLimitErrors(rc, mp, 'attachments');
        const keep = all(mp.fields.keep);
        for (const file of mp.files.filter((f) => f.field === 'attachments')) {
          const check = checkAttachment(file);
          if (!check.ok) errors.attachments ??= problemMessage(rc, check.problem, 'attachment');
          else keep.push((await stageUpload(rc.db, owner, 'attachment', file, check.mime)).id);
        }
        // The scan of a paper document, uploaded on the form itself: the document's original file.
        const scan = mp.files.find((f) => f.field === 'source');
        if (scan && !fields.sourceId) {
          const check = checkScan(scan);
          if (!check.ok) errors.source ??= problemMessage(rc, check.problem, 'scan');
          else fields.sourceId = (await stageUpload(rc.db, owner, 'source', scan, check.mime)).id;
        }
        if (mp.truncatedFields.includes('text')) errors.text = m.errors.textLong(1_000_000);
        let stamp: z.infer<typeof stampSchema> | null = null;
        if (fields.receivedStamp) {
          try {
            stamp = stampSchema.parse(JSON.parse(fields.receivedStamp));
          } catch {
            delete fields.receivedStamp;
          }
        }
        const staged = await findStaged(rc.db, owner, [...(fields.sourceId ? [fields.sourceId] : []), ...keep]);
        if (fields.sourceId && !staged.some((f) => f.id === fields.sourceId)) delete fields.sourceId;
        // A paper document registered from its scan (or with its files) needs no text.
        const v = validateDocument({ ...fields, receivedStamp: stamp }, rc.locale, todayIso(), { textOptional: staged.length > 0 });
        if (!v.ok) Object.assign(errors, v.errors, errors);
        const render = (status: number, extra: { errors: FieldErrors; duplicateOf?: number | null }) =>
          sendPage(reply, <IntakeFormPage rc={rc} unit={unit} values={fields} staged={staged} enclosures={enclosureMentions(fields.text ?? '')} {...extra} />, status);
        if (!v.ok || Object.keys(errors).length) return render(mp.tooLarge.length ? 413 : 422, { errors });
        try {
          const r = await registerDocument(rc.db, rc.who, { unitId: unit.id, input: v.value, stagedIds: staged.map((s) => s.id), locale: rc.locale });
          return redirectWithFlash(reply, `/documents/${r.document.id}`, m.intake.saved(r.entry.seq, r.entry.direction));
        } catch (e) {
          if (e instanceof DuplicateDocumentError) return render(409, { errors: { number: e.message }, duplicateOf: e.existingId || null });
          if (e instanceof DomainError && e.code === 'invalid') return render(422, { errors: { [(e.details?.field as string) ?? '_form']: e.message } });
          throw e;
        }
      },
    });

    // The document, its files, and the clerk's register columns.
    defineRoute<{ id: number }>(app, {
      method: 'GET',
      url: '/documents/:id',
      params: docParams,
      access: byDoc('document.view'),
      handler: async (req, reply, rc) => sendPage(reply, await documentPage(rc, req.params.id, { sections: await documentSections(app, rc, req.params.id) })),
    });
    defineRoute<{ id: number; fileId: number }>(app, {
      method: 'GET',
      url: '/documents/:id/files/:fileId',
      params: fileParams,
      access: guard('document.view', (req: { params: { id: number } }, rc) => loadDocumentResource(rc.db, req.params.id)),
      handler: async (req, reply, rc) => {
        const file = await getAttachment(rc.db, req.params.id, req.params.fileId);
        return sendAttachment(reply, { name: file.fileName, type: file.mime, body: file.content });
      },
    });
    defineRoute<{ id: number }>(app, {
      method: 'POST',
      url: '/documents/:id/handled',
      params: docParams,
      access: byDoc('document.edit'),
      handler: async (req, reply, rc) => {
        const m = documentMessages(rc.locale);
        try {
          await markHandled(rc.db, rc.who, req.params.id, rc.locale);
        } catch (e) {
          if (!(e instanceof DomainError) || e.code !== 'invalid') throw e;
          return redirectWithFlash(reply, `/documents/${req.params.id}`, e.message);
        }
        return redirectWithFlash(reply, safeReturnPath((req.body as Record<string, unknown> | undefined)?.return, `/documents/${req.params.id}`), m.doc.handledDone);
      },
    });
    defineRoute<{ id: number }>(app, {
      method: 'POST',
      url: '/documents/:id/entry',
      params: docParams,
      access: byDoc('document.edit'),
      handler: async (req, reply, rc) => {
        const m = documentMessages(rc.locale);
        const b = cleanBody(req.body) as Record<string, string | undefined>;
        const errors: FieldErrors = {};
        const text = (k: string, max: number) => {
          const s = (b[k] ?? '').replace(/\s+/g, ' ').trim();
          if (s.length > max) errors[k] = m.errors.tooLong(max);
          return s || null;
        };
        const dueOn = b.dueOn ? parseDate(b.dueOn) : null;
        if (b.dueOn && !dueOn) errors.dueOn = m.errors.date;
        const input = { counterpart: text('counterpart', 500), forwardedTo: text('forwardedTo', 500), note: text('note', 1000), dueOn };
        if (!Object.keys(errors).length) {
          try {
            await updateEntry(rc.db, rc.who, req.params.id, input, rc.locale);
            return redirectWithFlash(reply, `/documents/${req.params.id}`, m.doc.entrySaved);
          } catch (e) {
            if (!(e instanceof DomainError) || e.code !== 'invalid') throw e;
            errors[(e.details?.field as string) ?? '_form'] = e.message;
          }
        }
        return sendPage(reply, await documentPage(rc, req.params.id, { entryErrors: errors, entryValues: formValues(req.body), sections: await documentSections(app, rc, req.params.id) }), 422);
      },
    });

    // Correcting the header of a registered document.
    defineRoute<{ id: number }>(app, {
      method: 'GET',
      url: '/documents/:id/edit',
      params: docParams,
      access: byDoc('document.edit'),
      handler: async (req, reply, rc) => sendPage(reply, await correctionPage(rc, req.params.id)),
    });
    defineRoute<{ id: number }>(app, {
      method: 'POST',
      url: '/documents/:id/edit',
      params: docParams,
      access: byDoc('document.edit'),
      handler: async (req, reply, rc) => {
        const m = documentMessages(rc.locale);
        const id = req.params.id;
        const mp = await readMultipart(req);
        const fields: Record<string, string> = {};
        for (const [k, v] of Object.entries(mp.fields)) if (k !== '_csrf') fields[k] = first(v);
        const entry = await entryOfDocument(rc.db, id);
        const doc = await getDocument(rc.db, id);
        const files = await listAttachments(rc.db, id);
        const again = (status: number, errors: FieldErrors, extra: { duplicateOf?: number | null } = {}) => sendPage(reply, <CorrectionPageView {...correctionProps(rc, doc, files)} values={fields} errors={errors} {...extra} />, status);
        if (mp.truncatedFields.length) return again(413, { text: m.errors.textLong(1_000_000) });
        const v = validateCorrection(fields, rc.locale, { direction: doc.direction, entryDate: entry?.entryDate ?? todayIso(), textOptional: files.length > 0, currentNumber: doc.number });
        if (!v.ok) return again(422, v.errors);
        try {
          const r = await correctDocument(rc.db, rc.who, id, v.value, { expectedUpdatedAt: fields.version || null, locale: rc.locale });
          if (r.changed.length === 0) return redirectWithFlash(reply, `/documents/${id}`, m.doc.noChange);
          const names = r.changed.map((k) => correctionLabels(m)[k]).join(', ');
          const res = await loadDocumentResource(rc.db, id);
          if (res && !can(rc.actor, 'document.view', res)) return redirectWithFlash(reply, entry ? `/documents/registers/${entry.unitId}?direction=${entry.direction}&year=${entry.year}` : '/documents', m.doc.correctedHidden(names));
          return redirectWithFlash(reply, `/documents/${id}`, m.doc.corrected(names));
        } catch (e) {
          if (e instanceof DuplicateDocumentError) return again(409, { number: e.message }, { duplicateOf: e.existingId || null });
          if (e instanceof DomainError && e.code === 'conflict' && e.details?.code === 'stale') {
            return sendPage(reply, await correctionPage(rc, id, { _form: e.message }), 409);
          }
          if (e instanceof DomainError && e.code === 'invalid') return again(422, { [(e.details?.field as string) ?? '_form']: e.message });
          throw e;
        }
      },
    });

    // Registers.
    defineRoute(app, {
      method: 'GET',
      url: '/documents/registers',
      access: guard('document.library', () => ({ type: 'self' as const })),
      handler: async (_req, reply, rc) => {
        const list = (await registerUnits(rc)).filter((u) => can(rc.actor, 'register.view', unitResource(u)));
        if (list.length === 1) return reply.redirect(`/documents/registers/${list[0]!.id}`, 303);
        return sendPage(reply, <RegisterUnitsPage rc={rc} units={list} />);
      },
    });
    defineRoute<{ unitId: number }, RegisterQuery>(app, {
      method: 'GET',
      url: '/documents/registers/:unitId',
      params: unitParams,
      query: registerQuery,
      access: byUnit('register.view'),
      handler: async (req, reply, rc) => {
        const unit = await getUnit(rc.db, req.params.unitId);
        const { direction } = req.query;
        const { year, years } = await registerYear(rc, unit.id, direction, req.query.year);
        // One month at a time, 50 rows a page (a year's register on one page is too heavy for a phone on a slow line).
        const months = await registerMonths(rc.db, unit.id, direction, year);
        const month = req.query.month ?? months[months.length - 1]?.month ?? 1;
        const page = req.query.page ?? 1;
        const { rows, hasMore } = await listRegisterPage(rc.db, unit.id, direction, year, month, page);
        return sendPage(
          reply,
          <RegisterPageView
            rc={rc}
            unit={unit}
            direction={direction}
            year={year}
            years={years}
            months={months}
            month={month}
            page={page}
            hasMore={hasMore}
            rows={rows}
            urgent={await urgentPending(rc.db, unit.id, direction)}
            readable={readableRow(rc, unit)}
            canIntake={can(rc.actor, 'document.intake', unitResource(unit))}
            xlsx
          />,
        );
      },
    });
    defineRoute<{ unitId: number }, RegisterQuery>(app, {
      method: 'GET',
      url: '/documents/registers/:unitId/print',
      params: unitParams,
      query: registerQuery,
      access: byUnit('register.view'),
      handler: async (req, reply, rc) => {
        const unit = await getUnit(rc.db, req.params.unitId);
        const { direction } = req.query;
        const { year } = await registerYear(rc, unit.id, direction, req.query.year);
        return sendPage(reply, <RegisterPrintView rc={rc} unit={unit} direction={direction} year={year} rows={await listRegister(rc.db, unit.id, direction, year)} readable={readableRow(rc, unit)} />);
      },
    });
    defineRoute<{ unitId: number }, RegisterQuery>(app, {
      method: 'GET',
      url: '/documents/registers/:unitId/export.xlsx',
      params: unitParams,
      query: registerQuery,
      access: byUnit('register.view'),
      handler: async (req, reply: FastifyReply, rc) => {
        const unit = await getUnit(rc.db, req.params.unitId);
        const { direction } = req.query;
        const { year } = await registerYear(rc, unit.id, direction, req.query.year);
        const bytes = await registerWorkbook(rc.locale, unit, direction, year, await listRegister(rc.db, unit.id, direction, year), readableRow(rc, unit));
        const name = `so-van-ban-${direction === 'incoming' ? 'den' : 'di'}-${year}-${unit.id}.xlsx`;
        return reply
          .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .header('content-disposition', `attachment; filename="${name}"`)
          .header('cache-control', 'private, no-store')
          .send(bytes);
      },
    });

    // JSON API.
    defineRoute<unknown, LibraryQuery>(app, {
      method: 'GET',
      url: '/api/v1/documents',
      query: libraryQuery,
      access: guard('document.library', () => ({ type: 'self' as const })),
      doc: {
        summary: 'Search the document library (diacritics optional; a number such as "89 TB VPCP" finds the document), newest first without a query',
        tags: ['documents'],
        response: { 200: z.object({ documents: z.array(hitJson), total: z.number(), totalCapped: z.boolean(), hasMore: z.boolean(), corrected: z.string().nullable() }) },
      },
      handler: async (req, _reply, rc) => {
        const { page, ...filters } = req.query;
        const r = await searchLibrary(rc.db, libraryScope(rc.actor!), filters as LibraryFilters, { page: page ?? 1 });
        return {
          documents: r.hits.map((h) => ({ id: h.id, number: h.number, kind: h.kind, issuer: h.issuer, date: h.date, urgency: h.urgency, secrecy: h.secrecy, subject: h.subject, direction: h.direction, seq: h.seq, handled: h.handled, rank: h.rank, snippet: h.snippet })),
          total: r.total,
          totalCapped: r.totalCapped,
          hasMore: r.hasMore,
          corrected: r.corrected,
        };
      },
    });
    defineRoute<{ id: number }>(app, {
      method: 'GET',
      url: '/api/v1/documents/:id',
      params: docParams,
      access: byDoc('document.view'),
      doc: { summary: 'One document: its header and body', tags: ['documents'], response: { 200: documentJson } },
      handler: async (req, _reply, rc) => {
        const d = await getDocument(rc.db, req.params.id);
        return { id: d.id, unitId: d.unitId, direction: d.direction, number: d.number, kind: d.kind, issuer: d.issuer, issuerUnitId: d.issuerUnitId, place: d.place, date: d.date, urgency: d.urgency, secrecy: d.secrecy, subject: d.subject, signer: d.signer, signerTitle: d.signerTitle, recipients: d.recipients, copiesTo: d.copiesTo, body: d.body };
      },
    });
  },
};
