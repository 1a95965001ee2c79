// PDF output with an embedded TrueType font that covers Vietnamese (pdfkit's built-in
// Helvetica garbles it). Every feature makes its PDFs through here.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import PDFDocument from 'pdfkit';

const FONT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../assets/fonts');
export const FONTS = { regular: path.join(FONT_DIR, 'BeVietnamPro_400Regular.ttf'), bold: path.join(FONT_DIR, 'BeVietnamPro_700Bold.ttf') };

export type Pdf = InstanceType<typeof PDFDocument>;

/**
 * A new A4 document with the Vietnamese fonts registered as "regular" and "bold". `bufferPages`
 * keeps every page open until the end, so page numbers ("Trang 2/7") can be written last.
 */
export function createPdf(opts: { title: string; size?: string | [number, number]; margin?: number; landscape?: boolean; bufferPages?: boolean }): Pdf {
  const doc = new PDFDocument({ size: opts.size ?? 'A4', margin: opts.margin ?? 56, layout: opts.landscape ? 'landscape' : 'portrait', info: { Title: opts.title, Producer: 'Sổ tay', Creator: 'Sổ tay' }, autoFirstPage: true, bufferPages: opts.bufferPages ?? false });
  doc.registerFont('regular', FONTS.regular);
  doc.registerFont('bold', FONTS.bold);
  doc.font('regular');
  return doc;
}

/** Finishes a document and returns its bytes. */
export function pdfBuffer(doc: Pdf): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}
