// Files brought in at intake: the document's own file (.txt/.docx/.pdf, read into text by the
// parser) and its "Kèm theo" attachments. Each file's type is checked by its extension AND its
// first bytes; sizes are capped by SOTAY_MAX_UPLOAD_MB. Files wait in `document_uploads` between
// the two steps of the intake form (which works without JavaScript) and move to the document
// when it is saved; a daily job removes the ones never saved.
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { and, eq, inArray, lt } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { Db } from '../core/db/client.ts';
import { readDocumentFile } from './parser/index.ts';
import { documentUploads, type AttachmentRole } from './schema.ts';

export type UploadedFile = { field: string; fileName: string; bytes: Buffer };
export type StagedFile = { id: string; role: AttachmentRole; fileName: string; mime: string; size: number };

type FileType = { mime: string; magic: (b: Buffer) => boolean; text?: boolean };
const zip = (b: Buffer) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
const ole = (b: Buffer) => b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]));
const pdf = (b: Buffer) => b.subarray(0, 1024).toString('latin1').includes('%PDF-');
const plainText = (b: Buffer) => !zip(b) && !pdf(b) && !b.subarray(0, 8192).includes(0);

export const ATTACHMENT_TYPES: Record<string, FileType> = {
  '.pdf': { mime: 'application/pdf', magic: pdf },
  '.docx': { mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', magic: zip },
  '.xlsx': { mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', magic: zip },
  '.pptx': { mime: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', magic: zip },
  '.odt': { mime: 'application/vnd.oasis.opendocument.text', magic: zip },
  '.ods': { mime: 'application/vnd.oasis.opendocument.spreadsheet', magic: zip },
  '.doc': { mime: 'application/msword', magic: ole },
  '.xls': { mime: 'application/vnd.ms-excel', magic: ole },
  '.jpg': { mime: 'image/jpeg', magic: (b) => b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  '.jpeg': { mime: 'image/jpeg', magic: (b) => b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  '.png': { mime: 'image/png', magic: (b) => b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  '.txt': { mime: 'text/plain; charset=utf-8', magic: plainText, text: true },
};
/** The document's own file: what the parser can read into text. */
export const SOURCE_TYPES = ['.txt', '.md', '.docx', '.pdf'] as const;
/** A scan of a paper document: kept as the document's original file, its header typed in by the clerk. */
export const SCAN_TYPES = ['.pdf', '.jpg', '.jpeg', '.png'] as const;
/** What the first step of intake accepts: a file to read, or a scanned image. */
export const INTAKE_TYPES = [...SOURCE_TYPES, '.jpg', '.jpeg', '.png'] as const;
export const ATTACHMENT_EXTENSIONS = Object.keys(ATTACHMENT_TYPES);
/** ".txt, .md, .docx" — how the pages and messages name a list of accepted types (always from these lists). */
export const typeList = (exts: readonly string[]): string => exts.join(', ');
/** The `accept` attribute of a file field. */
export const acceptOf = (exts: readonly string[]): string => exts.join(',');
export const isImageFile = (fileName: string): boolean => ['.jpg', '.jpeg', '.png'].includes(path.extname(fileName).toLowerCase());

export type FileProblem = { kind: 'type' | 'content' | 'empty'; fileName: string };

/** A safe file name to show and to send back: no path, no control characters, at most 150 characters. */
export function safeFileName(name: string): string {
  const base = path.basename(name.replace(/\\/g, '/')).normalize('NFC');
  const clean = base.replace(/[\p{Cc}"<>|:*?]/gu, '_').trim();
  return (clean || 'tep').slice(-150);
}

export function checkAttachment(file: UploadedFile): { ok: true; mime: string } | { ok: false; problem: FileProblem } {
  const ext = path.extname(file.fileName).toLowerCase();
  const type = ATTACHMENT_TYPES[ext];
  if (!type) return { ok: false, problem: { kind: 'type', fileName: file.fileName } };
  if (file.bytes.length === 0) return { ok: false, problem: { kind: 'empty', fileName: file.fileName } };
  if (!type.magic(file.bytes)) return { ok: false, problem: { kind: 'content', fileName: file.fileName } };
  return { ok: true, mime: type.mime };
}

/** The file of the first intake step: a text, Word or PDF file to read, or a scanned image (.jpg, .jpeg, .png). */
export function checkIntakeFile(file: UploadedFile): { ok: true; mime: string } | { ok: false; problem: FileProblem } {
  if (isImageFile(file.fileName)) return checkTyped(file, SCAN_TYPES);
  return checkSource(file);
}

/** A scan uploaded on the form itself (.pdf, .jpg, .jpeg, .png). */
export function checkScan(file: UploadedFile): { ok: true; mime: string } | { ok: false; problem: FileProblem } {
  return checkTyped(file, SCAN_TYPES);
}

function checkTyped(file: UploadedFile, allowed: readonly string[]): { ok: true; mime: string } | { ok: false; problem: FileProblem } {
  const ext = path.extname(file.fileName).toLowerCase();
  if (!allowed.includes(ext)) return { ok: false, problem: { kind: 'type', fileName: file.fileName } };
  if (file.bytes.length === 0) return { ok: false, problem: { kind: 'empty', fileName: file.fileName } };
  const type = ATTACHMENT_TYPES[ext]!;
  if (!type.magic(file.bytes)) return { ok: false, problem: { kind: 'content', fileName: file.fileName } };
  return { ok: true, mime: type.mime };
}

export function checkSource(file: UploadedFile): { ok: true; mime: string } | { ok: false; problem: FileProblem } {
  const ext = path.extname(file.fileName).toLowerCase();
  if (!(SOURCE_TYPES as readonly string[]).includes(ext)) return { ok: false, problem: { kind: 'type', fileName: file.fileName } };
  if (file.bytes.length === 0) return { ok: false, problem: { kind: 'empty', fileName: file.fileName } };
  const type = ATTACHMENT_TYPES[ext === '.md' ? '.txt' : ext]!;
  if (!type.magic(file.bytes)) return { ok: false, problem: { kind: 'content', fileName: file.fileName } };
  return { ok: true, mime: ext === '.md' ? 'text/markdown; charset=utf-8' : type.mime };
}

/** Reads an uploaded .txt/.docx/.pdf into text through the parser's reader (which works on files). */
export async function readSourceText(file: UploadedFile): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sotay-intake-'));
  const p = path.join(dir, `source${path.extname(file.fileName).toLowerCase()}`);
  try {
    await fs.writeFile(p, file.bytes);
    return await readDocumentFile(p);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

export type MultipartResult = {
  fields: Record<string, string | string[]>;
  files: UploadedFile[];
  tooLarge: string[];
  tooManyFiles: boolean;
  truncatedFields: string[];
};

/** Reads a multipart form: fields, files (buffered, within the configured size limit) and what was refused. */
export async function readMultipart(req: FastifyRequest): Promise<MultipartResult> {
  const out: MultipartResult = { fields: {}, files: [], tooLarge: [], tooManyFiles: false, truncatedFields: [] };
  const add = (k: string, v: string) => {
    const prev = out.fields[k];
    out.fields[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  };
  if (!req.isMultipart()) {
    for (const [k, v] of Object.entries((req.body ?? {}) as Record<string, unknown>)) {
      if (typeof v === 'string') add(k, v);
      else if (Array.isArray(v)) for (const x of v) add(k, String(x));
    }
    return out;
  }
  try {
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        if (!part.filename) {
          part.file.resume();
          continue;
        }
        try {
          const bytes = await part.toBuffer();
          out.files.push({ field: part.fieldname, fileName: safeFileName(part.filename), bytes });
        } catch (e) {
          if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') out.tooLarge.push(safeFileName(part.filename));
          else throw e;
        }
      } else {
        if (part.valueTruncated) out.truncatedFields.push(part.fieldname);
        add(part.fieldname, String(part.value ?? ''));
      }
    }
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'FST_FILES_LIMIT') out.tooManyFiles = true;
    // The iterator raises the size error again once every part was read: already recorded above.
    else if (code === 'FST_REQ_FILE_TOO_LARGE') {
      if (out.tooLarge.length === 0) out.tooLarge.push('');
    } else throw e;
  }
  return out;
}

const sha256 = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

/** Keeps an uploaded file until the clerk saves the document. */
export async function stageUpload(db: Db, owner: { accountId: number; unitId: number }, role: AttachmentRole, file: UploadedFile, mime: string): Promise<StagedFile> {
  const id = crypto.randomBytes(16).toString('base64url');
  await db.insert(documentUploads).values({ id, accountId: owner.accountId, unitId: owner.unitId, role, fileName: file.fileName, mime, size: file.bytes.length, sha256: sha256(file.bytes), content: file.bytes });
  return { id, role, fileName: file.fileName, mime, size: file.bytes.length };
}

/** The staged files with these ids that belong to this clerk and unit (others' ids are ignored). */
export async function findStaged(db: Db, owner: { accountId: number; unitId: number }, ids: string[]): Promise<StagedFile[]> {
  const clean = ids.filter((x) => /^[A-Za-z0-9_-]{10,40}$/.test(x));
  if (clean.length === 0) return [];
  return db
    .select({ id: documentUploads.id, role: documentUploads.role, fileName: documentUploads.fileName, mime: documentUploads.mime, size: documentUploads.size })
    .from(documentUploads)
    .where(and(inArray(documentUploads.id, clean), eq(documentUploads.accountId, owner.accountId), eq(documentUploads.unitId, owner.unitId)));
}

/** Removes uploads never saved with a document. */
export async function purgeStaleUploads(db: Db, olderThanMs = 24 * 3600_000): Promise<number> {
  const rows = await db.delete(documentUploads).where(lt(documentUploads.createdAt, new Date(Date.now() - olderThanMs))).returning({ id: documentUploads.id });
  return rows.length;
}

export { sha256 };
