// The print packet's layout (pdfkit with the shipped Be Vietnam Pro, through src/core/pdf): a cover
// with the cell and the meeting, each document in large type for reading on paper (body 15 pt,
// headings larger), and the sign-off sheet — STT, full name, one "Đã được phổ biến" column per
// document and a signature column, every member of the cell — with page numbers on every page.
import { createPdf, pdfBuffer, type Pdf } from '../core/pdf/pdf.ts';
import { formatDate, formatDateTime, type Locale } from '../core/i18n/i18n.ts';
import { bodyBlocks } from '../documents/views.tsx';
import { packetMessages } from './packet-messages.ts';

export type PacketDocument = {
  /** "Công điện", "Nghị quyết"… or null for an announcement. */
  kindName: string | null;
  issuer: string | null;
  number: string | null;
  /** ISO date (yyyy-mm-dd). */
  date: string | null;
  place: string | null;
  subject: string;
  body: string;
  signer: string | null;
  signerTitle: string | null;
  /** When an announcement was sent (documents carry their own date). */
  sentAt: Date | null;
};

export type PacketMember = { personId: number; fullName: string; exempt: boolean; guest: boolean };

export type PacketLayout = {
  locale: Locale;
  cellName: string;
  parentName: string | null;
  meeting: { title: string; startsAt: Date; location: string | null; topic: string | null } | null;
  documents: PacketDocument[];
  members: PacketMember[];
  printedAt: Date;
};

const BODY = 15;
const MARGIN = 56;
const TABLE_MARGIN = 40;
const upper = (s: string) => s.toLocaleUpperCase('vi');

/** "Công điện 15-CĐ/TU (03/09/2021) — Về tăng cường…": how a document is named in the contents and the legend. */
export function describePacketDocument(d: Pick<PacketDocument, 'kindName' | 'number' | 'date' | 'subject'>, announcement: string): string {
  const head = [d.kindName ?? announcement, d.number].filter(Boolean).join(' ');
  return `${head}${d.date ? ` (${formatDate(d.date)})` : ''} — ${d.subject}`;
}

function cover(doc: Pdf, p: PacketLayout) {
  const m = packetMessages(p.locale).pdf;
  const width = doc.page.width - MARGIN * 2;
  if (p.parentName) doc.font('regular').fontSize(14).text(upper(p.parentName), MARGIN, doc.y, { width });
  doc.font('bold').fontSize(15).text(upper(p.cellName), MARGIN, doc.y, { width });
  doc.moveDown(3);
  doc.font('bold').fontSize(24).text(m.heading, MARGIN, doc.y, { width, align: 'center' });
  doc.moveDown(0.5);
  if (p.meeting) {
    doc.font('bold').fontSize(18).text(p.meeting.title, MARGIN, doc.y, { width, align: 'center' });
    if (p.meeting.topic) doc.font('regular').fontSize(16).text(p.meeting.topic, MARGIN, doc.y, { width, align: 'center' });
    doc.moveDown(1.5);
    const [date, time] = formatDateTime(p.meeting.startsAt).split(' ');
    doc.font('bold').fontSize(16).text(`${m.time}: `, MARGIN, doc.y, { width, continued: true }).font('regular').text(m.at(time!, date!));
    if (p.meeting.location) doc.font('bold').fontSize(16).text(`${m.place}: `, MARGIN, doc.y, { width, continued: true }).font('regular').text(p.meeting.location);
  }
  doc.moveDown(2);
  doc.font('bold').fontSize(16).text(`${m.contents}:`, MARGIN, doc.y, { width });
  doc.moveDown(0.3);
  const items = [...p.documents.map((d) => describePacketDocument(d, m.announcementName)), m.signSheetEntry];
  items.forEach((label, i) => {
    doc.font('regular').fontSize(BODY).text(`${i + 1}. ${label}`, MARGIN + 12, doc.y, { width: width - 12, paragraphGap: 4 });
  });
  doc.moveDown(2);
  doc.font('regular').fontSize(12).text(m.printedOn(formatDate(p.printedAt)), MARGIN, doc.y, { width, align: 'right' });
}

function documentPages(doc: Pdf, d: PacketDocument, locale: Locale) {
  const m = packetMessages(locale).pdf;
  doc.addPage({ size: 'A4', layout: 'portrait', margin: MARGIN });
  const width = doc.page.width - MARGIN * 2;
  const x = MARGIN;
  if (d.issuer) doc.font('bold').fontSize(14).text(d.issuer, x, doc.y, { width });
  if (d.number) doc.font('regular').fontSize(14).text(m.number(d.number), x, doc.y, { width });
  if (d.date) doc.font('regular').fontSize(14).text(d.place ? m.datedAt(d.place, formatDate(d.date)) : m.dated(formatDate(d.date)), x, doc.y, { width });
  else if (d.sentAt) doc.font('regular').fontSize(14).text(m.publishedOn(formatDate(d.sentAt)), x, doc.y, { width });
  doc.moveDown(1.2);
  doc.font('bold').fontSize(20).text(d.kindName ? upper(d.kindName) : m.announcement, x, doc.y, { width, align: 'center' });
  doc.font('bold').fontSize(17).text(d.subject, x, doc.y, { width, align: 'center', lineGap: 2 });
  doc.moveDown(1);
  for (const b of bodyBlocks(d.body)) {
    if (b.kind === 'heading') {
      doc.moveDown(0.4);
      doc.font('bold').fontSize(16).text(b.label ? `${b.label}. ${b.text}` : b.text, x, doc.y, { width, lineGap: 3, paragraphGap: 6 });
    } else if (b.kind === 'item' || b.kind === 'sub') {
      const indent = b.kind === 'sub' ? 24 : 0;
      const label = b.kind === 'item' ? `${b.label}. ` : `${b.label} `;
      doc.font('bold').fontSize(BODY).text(label, x + indent, doc.y, { width: width - indent, continued: true, lineGap: 3 }).font('regular').text(b.text, { width: width - indent, lineGap: 3, paragraphGap: 6 });
    } else {
      doc.font('regular').fontSize(BODY).text(b.text, x, doc.y, { width, indent: 28, lineGap: 3, paragraphGap: 6 });
    }
  }
  if (d.signerTitle || d.signer) {
    doc.moveDown(1);
    const half = width / 2;
    if (d.signerTitle) doc.font('bold').fontSize(BODY).text(d.signerTitle, x + half, doc.y, { width: half, align: 'center' });
    if (d.signer) {
      doc.moveDown(1.5);
      doc.font('bold').fontSize(BODY).text(d.signer, x + half, doc.y, { width: half, align: 'center' });
    }
  }
}

function signOffSheet(doc: Pdf, p: PacketLayout) {
  const m = packetMessages(p.locale).pdf;
  const newPage = () => doc.addPage({ size: 'A4', layout: 'landscape', margin: TABLE_MARGIN });
  newPage();
  const left = TABLE_MARGIN;
  const width = doc.page.width - TABLE_MARGIN * 2;
  doc.font('bold').fontSize(18).text(m.signTitle, left, doc.y, { width, align: 'center' });
  doc.font('bold').fontSize(15).text(m.signSub(p.cellName), left, doc.y, { width, align: 'center' });
  if (p.meeting) doc.font('regular').fontSize(14).text(`${p.meeting.title} — ${formatDateTime(p.meeting.startsAt)}`, left, doc.y, { width, align: 'center' });
  doc.moveDown(0.6);
  doc.font('bold').fontSize(13).text(`${m.legend}:`, left, doc.y, { width });
  p.documents.forEach((d, i) => doc.font('regular').fontSize(13).text(`(${i + 1}) ${describePacketDocument(d, m.announcementName)}`, left, doc.y, { width }));
  doc.moveDown(0.6);

  // Columns: STT, name, one per document, signature.
  const n = p.documents.length;
  const stt = 44;
  const sign = 120;
  // Wide enough for the spanning "Đã được phổ biến" on one line, narrow enough to leave the names room.
  const docW = Math.max(40, 150 / Math.max(1, n), Math.min(90, (width - stt - sign - 230) / Math.max(1, n)));
  const name = width - stt - sign - docW * n;
  const xs = { stt: left, name: left + stt, docs: left + stt + name, sign: left + stt + name + docW * n };
  const bottom = () => doc.page.height - TABLE_MARGIN - 16;
  const cell = (text: string, x: number, y: number, w: number, h: number, o: { bold?: boolean; size?: number; align?: 'left' | 'center' } = {}) => {
    doc.rect(x, y, w, h).lineWidth(0.8).stroke('#000000');
    if (!text) return;
    doc.font(o.bold ? 'bold' : 'regular').fontSize(o.size ?? 13);
    const th = doc.heightOfString(text, { width: w - 8, align: o.align ?? 'center' });
    doc.fillColor('#000000').text(text, x + 4, y + Math.max(3, (h - th) / 2), { width: w - 8, align: o.align ?? 'center', lineBreak: true });
  };
  const header = () => {
    const y = doc.y;
    const h1 = 26;
    const h2 = 22;
    cell(m.no, xs.stt, y, stt, h1 + h2, { bold: true });
    cell(m.name, xs.name, y, name, h1 + h2, { bold: true });
    cell(m.disseminated, xs.docs, y, docW * n, h1, { bold: true });
    for (let i = 0; i < n; i++) cell(`(${i + 1})`, xs.docs + docW * i, y + h1, docW, h2, { bold: true, size: 12 });
    cell(m.signature, xs.sign, y, sign, h1 + h2, { bold: true });
    doc.y = y + h1 + h2;
  };
  if (doc.y + 48 + 32 > bottom()) newPage();
  header();
  p.members.forEach((member, i) => {
    const note = member.exempt ? m.exempt : member.guest ? m.guest : '';
    const label = note ? `${member.fullName}\n${note}` : member.fullName;
    doc.font('regular').fontSize(13);
    const h = Math.max(32, doc.heightOfString(label, { width: name - 8 }) + 12);
    if (doc.y + h > bottom()) {
      newPage();
      header();
    }
    const y = doc.y;
    cell(String(i + 1), xs.stt, y, stt, h);
    cell(label, xs.name, y, name, h, { align: 'left' });
    for (let k = 0; k < n; k++) cell('', xs.docs + docW * k, y, docW, h);
    cell('', xs.sign, y, sign, h);
    doc.y = y + h;
  });
  doc.moveDown(0.8);
  if (doc.y + 90 > bottom()) newPage();
  doc.font('regular').fontSize(13).text(m.total(p.members.length), left, doc.y, { width });
  doc.moveDown(0.5);
  doc.font('bold').fontSize(14).text(m.onBehalf, left + width - 260, doc.y, { width: 260, align: 'center' });
  doc.font('bold').fontSize(14).text(m.secretary, left + width - 260, doc.y, { width: 260, align: 'center' });
}

/** Writes "Trang i/n" at the foot of every page (the document buffers its pages). */
function pageNumbers(doc: Pdf, locale: Locale): number {
  const m = packetMessages(locale).pdf;
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const keep = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font('regular').fontSize(11).text(m.pageOf(i + 1, range.count), 0, doc.page.height - 30, { width: doc.page.width, align: 'center', lineBreak: false });
    doc.page.margins.bottom = keep;
  }
  return range.count;
}

/** The packet as PDF bytes, with its number of pages. */
export async function renderPacketPdf(p: PacketLayout): Promise<{ pdf: Buffer; pages: number }> {
  const doc = createPdf({ title: packetMessages(p.locale).pdf.title(p.cellName), margin: MARGIN, bufferPages: true });
  cover(doc, p);
  for (const d of p.documents) documentPages(doc, d, p.locale);
  signOffSheet(doc, p);
  const pages = pageNumbers(doc, p.locale);
  return { pdf: await pdfBuffer(doc), pages };
}
