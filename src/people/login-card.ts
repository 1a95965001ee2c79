// The printable login card for a member without a password habit: a one-time QR code.
import QRCode from 'qrcode';
import { createPdf, pdfBuffer } from '../core/pdf/pdf.ts';

export async function loginCardSvg(url: string): Promise<string> {
  return QRCode.toString(url, { type: 'svg', margin: 1, width: 240, errorCorrectionLevel: 'M' });
}

export async function loginCardPdf(input: { url: string; fullName: string; unitName: string | null; title: string; scan: string; valid: string }): Promise<Buffer> {
  const doc = createPdf({ title: `${input.title} — ${input.fullName}`, size: 'A6', margin: 24 });
  const png = await QRCode.toBuffer(input.url, { type: 'png', margin: 1, width: 600, errorCorrectionLevel: 'M' });
  doc.font('bold').fontSize(14).text(input.title, { align: 'center' });
  doc.moveDown(0.4).font('bold').fontSize(16).text(input.fullName, { align: 'center' });
  if (input.unitName) doc.font('regular').fontSize(11).text(input.unitName, { align: 'center' });
  const size = 170;
  doc.image(png, (doc.page.width - size) / 2, doc.y + 8, { width: size, height: size });
  doc.y += size + 16;
  doc.font('regular').fontSize(11).text(input.scan, { align: 'center' });
  doc.moveDown(0.3).fontSize(9).text(input.valid, { align: 'center' });
  return pdfBuffer(doc);
}
