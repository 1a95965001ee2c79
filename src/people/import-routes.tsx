// Routes of the member import and export: upload (multipart, CSRF token in the query string),
// preview, confirm, progress and result of an import; .xlsx and .csv exports.
import type { FastifyReply } from 'fastify';
import type {} from '@fastify/multipart';
import { z } from 'zod';
import { and, eq, getTableColumns } from 'drizzle-orm';
import type { Feature } from '../core/feature.ts';
import type { RequestContext } from '../core/http/context.ts';
import { defineRoute, guard } from '../core/http/routes.ts';
import { attachmentDisposition, sendPage } from '../core/http/render.ts';
import { cleanBody, idParam } from '../core/http/forms.ts';
import { loadUnitResource } from '../core/policy/resources.ts';
import { can } from '../core/policy/policy.ts';
import { audit } from '../core/audit/audit.ts';
import { jobs } from '../core/jobs/schema.ts';
import { SpreadsheetError, spreadsheetProblemMessage } from '../core/xlsx/index.ts';
import type { Unit } from '../org/schema.ts';
import { getUnit } from '../org/tree.ts';
import { memberImports } from './schema.ts';
import { analyseImport, confirmImport, createImport, getImport, importJobKey, importJobs, importTargetProblem, type ImportAnalysis, type MemberImport } from './import.ts';
import { exportMembers, importTemplate, type ExportFormat } from './export.ts';
import { ImportPreviewPage, ImportProgressPage, ImportResultPage, ImportUploadPage, importViewMessages, REFRESH_SECONDS, type JobState } from './import-views.tsx';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const unitQuery = z.object({ unit: z.coerce.number().int().positive().max(2_147_483_647) });
type UnitQuery = z.infer<typeof unitQuery>;
/** The multipart upload carries its CSRF token in the query string: declared so validation keeps it. */
const uploadQuery = unitQuery.extend({ _csrf: z.string().max(200).optional() });
const pageQuery = z.object({ page: z.coerce.number().int().min(1).max(100_000).optional() });
type PageQuery = z.infer<typeof pageQuery>;

const manageUnit = guard('unit.manage_members', (req: { query: UnitQuery }, rc) => loadUnitResource(rc.db, req.query.unit));

/** An import without its file content (which may be megabytes). */
async function importMeta(rc: RequestContext, id: number): Promise<MemberImport | undefined> {
  const { content: _content, ...cols } = getTableColumns(memberImports);
  void _content;
  const [row] = await rc.db.select(cols).from(memberImports).where(eq(memberImports.id, id));
  return row ? { ...row, content: Buffer.alloc(0) } : undefined;
}

const manageImport = guard('unit.manage_members', async (req: { params: { id: number } }, rc) => {
  const [row] = await rc.db.select({ unitId: memberImports.unitId }).from(memberImports).where(eq(memberImports.id, req.params.id));
  return row ? loadUnitResource(rc.db, row.unitId) : null;
});

/** Names of people sharing a phone are shown only where the importer may read member records. */
const mayName = (rc: RequestContext) => (unitPath: string) => can(rc.actor, 'member.view_record', { type: 'member', personId: 0, unitPath, temporaryUnitPath: null });


function uploadError(rc: RequestContext, reply: FastifyReply, unit: Unit, message: string, status: number) {
  return sendPage(reply, <ImportUploadPage rc={rc} unit={unit} error={message} />, status);
}

/** The analysis to show: the stored one, or a fresh one in the reader's language. */
async function analysisFor(rc: RequestContext, imp: MemberImport, unit: Unit): Promise<ImportAnalysis | null> {
  const stored = imp.report as ImportAnalysis | null;
  if (!stored || stored.locale === rc.locale || imp.status !== 'previewed') return stored;
  const full = await getImport(rc.db, imp.id);
  if (!full) return stored;
  try {
    return (await analyseImport(rc.db, unit, full.content, { fileName: full.fileName, locale: rc.locale, mayName: mayName(rc) })).analysis;
  } catch {
    return stored;
  }
}

async function jobState(rc: RequestContext, importId: number): Promise<JobState> {
  const [job] = await rc.db.select({ status: jobs.status, attempts: jobs.attempts, progress: jobs.progress }).from(jobs).where(and(eq(jobs.dedupeKey, importJobKey(importId))));
  return job ?? null;
}

async function importPage(rc: RequestContext, reply: FastifyReply, imp: MemberImport, page: number, error?: string) {
  const unit = await getUnit(rc.db, imp.unitId);
  if (imp.status === 'queued' || imp.status === 'running') {
    // Refreshes itself without JavaScript (the Refresh header) and with it (app.js, data-refresh-seconds).
    reply.header('refresh', String(REFRESH_SECONDS));
    return sendPage(reply, <ImportProgressPage rc={rc} unit={unit} imp={imp} job={await jobState(rc, imp.id)} />);
  }
  const analysis = await analysisFor(rc, imp, unit);
  if (imp.status === 'previewed' && analysis) return sendPage(reply, <ImportPreviewPage rc={rc} unit={unit} imp={imp} analysis={analysis} page={page} {...(error ? { error } : {})} />, error ? 422 : 200);
  return sendPage(reply, <ImportResultPage rc={rc} unit={unit} imp={imp} analysis={analysis} page={page} />);
}

export const peopleImportFeature: Feature = {
  name: 'people-import',
  jobs: importJobs,
  routes: (app) => {
    defineRoute<unknown, UnitQuery>(app, {
      method: 'GET',
      url: '/admin/people/import',
      query: unitQuery,
      access: manageUnit,
      handler: async (req, reply, rc) => {
        const unit = await getUnit(rc.db, req.query.unit);
        const problem = importTargetProblem(unit, rc.locale);
        return sendPage(reply, <ImportUploadPage rc={rc} unit={unit} {...(problem ? { error: problem } : {})} />, problem ? 422 : 200);
      },
    });

    defineRoute<unknown, UnitQuery>(app, {
      method: 'POST',
      url: '/admin/people/import',
      query: uploadQuery,
      access: manageUnit,
      handler: async (req, reply, rc) => {
        const unit = await getUnit(rc.db, req.query.unit);
        const v = importViewMessages(rc.locale);
        const problem = importTargetProblem(unit, rc.locale);
        if (problem) return uploadError(rc, reply, unit, problem, 422);
        let file: Awaited<ReturnType<typeof req.file>>;
        try {
          file = req.isMultipart() ? await req.file() : undefined;
        } catch (e) {
          if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE' || (e as { statusCode?: number }).statusCode === 413) {
            return uploadError(rc, reply, unit, spreadsheetProblemMessage({ reason: 'tooLarge', maxBytes: rc.config.maxUploadBytes }, rc.locale), 413);
          }
          throw e;
        }
        if (!file || !file.filename) return uploadError(rc, reply, unit, v.chooseFile, 422);
        let content: Buffer;
        try {
          content = await file.toBuffer();
        } catch (e) {
          if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
            return uploadError(rc, reply, unit, spreadsheetProblemMessage({ reason: 'tooLarge', maxBytes: rc.config.maxUploadBytes }, rc.locale), 413);
          }
          throw e;
        }
        if (file.file.truncated || content.length > rc.config.maxUploadBytes) {
          return uploadError(rc, reply, unit, spreadsheetProblemMessage({ reason: 'tooLarge', maxBytes: rc.config.maxUploadBytes }, rc.locale), 413);
        }
        let imp: MemberImport;
        try {
          imp = await createImport(rc.db, { ...rc.who, accountId: rc.account!.id }, unit, { name: file.filename.normalize('NFC'), content }, { locale: rc.locale, mayName: mayName(rc) });
        } catch (e) {
          if (e instanceof SpreadsheetError) return uploadError(rc, reply, unit, e.localized(rc.locale), 422);
          throw e;
        }
        return reply.redirect(`/admin/people/import/${imp.id}`, 303);
      },
    });

    defineRoute<unknown, UnitQuery>(app, {
      method: 'GET',
      url: '/admin/people/import/template.xlsx',
      query: unitQuery,
      access: manageUnit,
      handler: async (_req, reply) =>
        reply.type(XLSX_TYPE).header('content-disposition', attachmentDisposition('mau-danh-sach-dang-vien.xlsx')).header('cache-control', 'no-store').send(await importTemplate()),
    });

    defineRoute<{ id: number }, PageQuery>(app, {
      method: 'GET',
      url: '/admin/people/import/:id',
      params: idParam,
      query: pageQuery,
      access: manageImport,
      handler: async (req, reply, rc) => {
        const imp = (await importMeta(rc, req.params.id))!;
        return importPage(rc, reply, imp, req.query.page ?? 1);
      },
    });

    defineRoute<{ id: number }>(app, {
      method: 'POST',
      url: '/admin/people/import/:id/confirm',
      params: idParam,
      access: manageImport,
      handler: async (req, reply, rc) => {
        const v = importViewMessages(rc.locale);
        const imp = (await importMeta(rc, req.params.id))!;
        if (imp.status !== 'previewed') return reply.redirect(`/admin/people/import/${imp.id}`, 303);
        const mode = (cleanBody(req.body) as { mode?: string }).mode === 'valid' ? 'valid' : 'all';
        const a = imp.report as ImportAnalysis | null;
        if (!a || a.validRows === 0) return importPage(rc, reply, imp, 1, v.nothingValid);
        if (mode === 'all' && a.errorRows > 0) return importPage(rc, reply, imp, 1, v.allNeedValid);
        await rc.db.transaction(async (tx) => {
          if (!(await confirmImport(tx, rc.who, imp.id, mode === 'valid'))) return;
          await audit(tx, rc.who, { action: 'member.import', entityType: 'member_import', entityId: imp.id, unitId: imp.unitId, after: { step: 'confirm', fileName: imp.fileName, onlyValidRows: mode === 'valid', validRows: a.validRows, errorRows: a.errorRows } });
        });
        return reply.redirect(`/admin/people/import/${imp.id}`, 303);
      },
    });

    for (const format of ['xlsx', 'csv'] as const satisfies readonly ExportFormat[]) {
      defineRoute<unknown, UnitQuery>(app, {
        method: 'GET',
        url: `/admin/people/export.${format}`,
        query: unitQuery,
        access: manageUnit,
        handler: async (req, reply, rc) => {
          const unit = await getUnit(rc.db, req.query.unit);
          const { body, fileName } = await exportMembers(rc.db, rc.who, unit, format);
          return reply
            .type(format === 'xlsx' ? XLSX_TYPE : 'text/csv; charset=utf-8')
            .header('content-disposition', attachmentDisposition(fileName))
            .header('cache-control', 'no-store')
            .send(body);
        },
      });
    }
  },
};
