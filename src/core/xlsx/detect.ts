// What a file really is, from its bytes (never from its name or the browser's content type):
// an Excel workbook (.xlsx), a CSV text, or something else we refuse with a specific reason.
import { SpreadsheetError } from './errors.ts';

export type SpreadsheetFormat = 'xlsx' | 'csv';

const ZIP = [0x50, 0x4b];
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

const startsWith = (buf: Uint8Array, bytes: number[]) => bytes.every((b, i) => buf[i] === b);

/** The format of `buf`, or a SpreadsheetError saying what it is instead. */
export function detectSpreadsheetFormat(buf: Uint8Array, fileName = ''): SpreadsheetFormat {
  if (buf.length === 0) throw new SpreadsheetError({ reason: 'empty' });
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (startsWith(b, ZIP) && (b[2] === 0x03 || b[2] === 0x05 || b[2] === 0x07)) {
    // Office Open XML and OpenDocument are zip archives; the entry names are stored in clear.
    if (b.includes('xl/workbook.xml')) return 'xlsx';
    if (b.includes('xl/workbook.bin')) throw new SpreadsheetError({ reason: 'xlsb' });
    if (b.includes('application/vnd.oasis.opendocument.spreadsheet')) throw new SpreadsheetError({ reason: 'ods' });
    if (b.includes('word/document.xml')) throw new SpreadsheetError({ reason: 'word' });
    // A zip named .xlsx whose directory we cannot read is a damaged workbook.
    if (/\.xls[xm]$/i.test(fileName) || b.includes('[Content_Types].xml')) throw new SpreadsheetError({ reason: 'corrupt' });
    throw new SpreadsheetError({ reason: 'unsupported' });
  }
  if (startsWith(b, OLE)) throw new SpreadsheetError({ reason: 'xls' });
  if (b.subarray(0, 5).toString('latin1') === '%PDF-') throw new SpreadsheetError({ reason: 'pdf' });
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47]) || startsWith(b, [0xff, 0xd8, 0xff]) || b.subarray(0, 4).toString('latin1') === 'GIF8' || (b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP')) {
    throw new SpreadsheetError({ reason: 'image' });
  }
  // UTF-16 text (Excel's "Unicode Text") is accepted as CSV; otherwise binary bytes mean "not text".
  if (startsWith(b, [0xff, 0xfe]) || startsWith(b, [0xfe, 0xff])) return 'csv';
  const head = b.subarray(0, 8192);
  if (head.includes(0)) throw new SpreadsheetError({ reason: /\.xls[xbm]?$/i.test(fileName) ? 'corrupt' : 'unsupported' });
  const start = head.toString('utf8').replace(/^\uFEFF/, '').trimStart().slice(0, 400).toLowerCase();
  if (start.startsWith('<')) {
    if (/^<(\?xml|!doctype html|html|table|meta|head|body)/.test(start) || start.includes('urn:schemas-microsoft-com:office:spreadsheet')) throw new SpreadsheetError({ reason: 'html' });
  }
  if (start.startsWith('{\\rtf')) throw new SpreadsheetError({ reason: 'word' });
  if (/\.(docx?|pdf|png|jpe?g|gif|json|xml|html?|odt|ods|pptx?|zip|rar|7z)$/i.test(fileName)) throw new SpreadsheetError({ reason: 'unsupported' });
  return 'csv';
}
