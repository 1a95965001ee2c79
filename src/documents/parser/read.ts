// Reading a document file into text: UTF-8 (or UTF-16, or legacy 8-bit) .txt/.md, .docx through
// mammoth's raw text, .pdf through the text layer (unpdf). Errors carry a Vietnamese message.
import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { checkZipLimits, ZipGuardError } from '../../core/archive/zip-guard.ts';

export type DocumentReadErrorCode = 'not_found' | 'not_a_file' | 'unsupported' | 'unreadable' | 'empty_pdf';

export class DocumentReadError extends Error {
  readonly code: DocumentReadErrorCode;
  constructor(code: DocumentReadErrorCode, message: string) {
    super(message);
    this.name = 'DocumentReadError';
    this.code = code;
  }
}

const TEXT_EXTENSIONS = new Set(['.txt', '.md', '.markdown', '.text', '']);

/** Decodes bytes of a text file: BOM-marked UTF-16/UTF-8, then strict UTF-8, else Latin-1. */
export function decodeTextBytes(bytes: Uint8Array): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Not UTF-8: an 8-bit file, typically TCVN3 or VNI text, which normalizeText converts.
    return new TextDecoder('latin1').decode(bytes);
  }
}

function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 4096);
  let zeros = 0;
  for (let i = 0; i < n; i++) if (bytes[i] === 0) zeros++;
  return zeros > 0 && zeros / Math.max(n, 1) > 0.01;
}

async function readDocx(buffer: Buffer, path: string): Promise<string> {
  const mammoth = (await import('mammoth')).default;
  try {
    checkZipLimits(buffer);
  } catch (e) {
    if (e instanceof ZipGuardError && (e.problem === 'too_large' || e.problem === 'too_many_entries'))
      throw new DocumentReadError('unreadable', `Tệp Word (.docx) "${path}" khi giải nén lớn bất thường (quá 200 MB hoặc quá nhiều phần), nên không mở.`);
    throw new DocumentReadError('unreadable', `Không đọc được tệp Word (.docx) "${path}": tệp bị hỏng (${(e as Error).message}).`);
  }
  try {
    const result = await mammoth.extractRawText({ buffer });
    return result.value;
  } catch (e) {
    throw new DocumentReadError('unreadable', `Không đọc được tệp Word (.docx) "${path}": ${(e as Error).message}`);
  }
}

async function readPdf(buffer: Buffer, path: string): Promise<string> {
  const { extractText, getDocumentProxy } = await import('unpdf');
  try {
    const pdf = await getDocumentProxy(new Uint8Array(buffer));
    const { text } = await extractText(pdf, { mergePages: true });
    return text;
  } catch (e) {
    throw new DocumentReadError('unreadable', `Không đọc được tệp PDF "${path}": ${(e as Error).message}`);
  }
}

/**
 * Text read from a PDF holding (almost) no letters: the PDF is a scan with no text layer, which
 * nothing here can read (there is no OCR). A page number or a stray mark is not a text layer.
 */
export function isScannedPdfText(text: string): boolean {
  return (text.match(/\p{L}/gu)?.length ?? 0) < 20;
}

/** Reads a .txt/.md, .docx or .pdf file as text. Throws DocumentReadError with a Vietnamese message. */
export async function readDocumentFile(path: string): Promise<string> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new DocumentReadError('not_found', `Không tìm thấy tệp "${path}".`);
  }
  if (!info.isFile()) throw new DocumentReadError('not_a_file', `"${path}" không phải là một tệp.`);
  let buffer: Buffer;
  try {
    buffer = await readFile(path);
  } catch (e) {
    throw new DocumentReadError('unreadable', `Không đọc được tệp "${path}": ${(e as Error).message}`);
  }
  const ext = extname(path).toLowerCase();
  const isZip = buffer.length >= 4 && buffer[0] === 0x50 && buffer[1] === 0x4b && buffer[2] === 0x03 && buffer[3] === 0x04;
  const isPdf = buffer.subarray(0, 1024).toString('latin1').includes('%PDF-');
  if (ext === '.docx' || (ext === '' && isZip)) return readDocx(buffer, path);
  if (ext === '.pdf' || (ext === '' && isPdf)) return readPdf(buffer, path);
  if (ext === '.doc') {
    throw new DocumentReadError(
      'unsupported',
      `Định dạng Word cũ (.doc) chưa được hỗ trợ: "${path}". Hãy lưu lại thành .docx hoặc .pdf rồi thử lại.`,
    );
  }
  if (!TEXT_EXTENSIONS.has(ext)) {
    throw new DocumentReadError(
      'unsupported',
      `Định dạng tệp "${ext}" không được hỗ trợ: "${path}". Chỉ đọc được .txt, .md, .docx và .pdf.`,
    );
  }
  const utf16 = buffer.length >= 2 && ((buffer[0] === 0xff && buffer[1] === 0xfe) || (buffer[0] === 0xfe && buffer[1] === 0xff));
  if (isZip || isPdf || (!utf16 && looksBinary(buffer))) {
    throw new DocumentReadError('unsupported', `Tệp "${path}" không phải là văn bản thuần (txt/md).`);
  }
  return decodeTextBytes(buffer);
}
