// `sotay parse FILE [--json]`: reads a .txt/.md, .docx or .pdf file and prints the documents found.
// With --json stdout holds only {"documents": [...]}; messages go to stderr. Opens no database.
import { parseDocuments } from './index.ts';
import { DocumentReadError, isScannedPdfText, readDocumentFile } from './read.ts';
import type { DocumentKind, ParsedDocument } from './types.ts';

const USAGE = 'Cách dùng: sotay parse TỆP [--json]\n  Đọc tiêu đề văn bản (số ký hiệu, loại, cơ quan, ngày, trích yếu, người ký…) từ tệp .txt, .md, .docx hoặc .pdf.\n  --json  chỉ in JSON {"documents": [...]} ra stdout\n';

const KIND_NAMES: Record<DocumentKind, string> = {
  nghi_quyet: 'Nghị quyết', quyet_dinh: 'Quyết định', chi_thi: 'Chỉ thị', ket_luan: 'Kết luận', quy_che: 'Quy chế',
  quy_dinh: 'Quy định', thong_bao: 'Thông báo', huong_dan: 'Hướng dẫn', chuong_trinh: 'Chương trình',
  ke_hoach: 'Kế hoạch', phuong_an: 'Phương án', de_an: 'Đề án', bao_cao: 'Báo cáo', bien_ban: 'Biên bản',
  to_trinh: 'Tờ trình', cong_dien: 'Công điện', cong_van: 'Công văn', giay_moi: 'Giấy mời', thong_tri: 'Thông tri',
  thong_tu: 'Thông tư', nghi_dinh: 'Nghị định', luat: 'Luật', khac: 'Văn bản khác',
};
const URGENCY_NAMES = { khan: 'Khẩn', thuong_khan: 'Thượng khẩn', hoa_toc: 'Hỏa tốc' } as const;
const SECRECY_NAMES = { mat: 'Mật', toi_mat: 'Tối mật', tuyet_mat: 'Tuyệt mật' } as const;

function vnDate(iso: string | null): string | null {
  if (!iso) return null;
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}

/** A readable Vietnamese summary of the documents found in a file. */
export function formatSummary(file: string, documents: ParsedDocument[]): string {
  const out: string[] = [];
  if (documents.length === 0) {
    out.push(`Tệp ${file}: không tìm thấy văn bản hành chính nào (không có phần đầu văn bản).`);
    return `${out.join('\n')}\n`;
  }
  out.push(`Tệp ${file}: tìm thấy ${documents.length} văn bản.`);
  const none = '(không có)';
  documents.forEach((d, i) => {
    out.push('');
    out.push(`Văn bản ${i + 1}/${documents.length}: ${KIND_NAMES[d.kind]}${d.number ? ` số ${d.number}` : ''}`);
    const row = (label: string, value: string | null | undefined): void => {
      out.push(`  ${label.padEnd(18)} ${value && value !== '' ? value : none}`);
    };
    row('Số, ký hiệu:', d.number ?? (d.symbol ? `(để trống số)/${d.symbol}` : null));
    row('Loại văn bản:', KIND_NAMES[d.kind]);
    row('Cơ quan ban hành:', d.issuer);
    row('Địa danh, ngày:', [d.place, vnDate(d.date)].filter(Boolean).join(', ') || null);
    row('Độ khẩn:', d.urgency ? URGENCY_NAMES[d.urgency] : null);
    row('Độ mật:', d.secrecy ? SECRECY_NAMES[d.secrecy] : null);
    row('Trích yếu:', d.subject);
    row('Kính gửi:', d.recipients.length > 0 ? d.recipients.join('; ') : null);
    row('Người ký:', d.signer ? `${d.signer}${d.signer_title ? ` (${d.signer_title})` : ''}` : null);
    row('Nơi nhận:', d.copies_to.length > 0 ? `${d.copies_to.length} nơi: ${d.copies_to.join('; ')}` : null);
    row('Văn bản dẫn chiếu:', d.references.length > 0 ? d.references.join(', ') : null);
    if (d.received) {
      const r = d.received;
      const parts = [r.number ? `số đến ${r.number}` : null, r.date ? `ngày ${vnDate(r.date)}` : null, r.forwarded_to ? `chuyển: ${r.forwarded_to}` : null];
      row('Dấu đến:', parts.filter(Boolean).join(', ') || 'có dấu đến');
    }
  });
  return `${out.join('\n')}\n`;
}

/** Entry point of `sotay parse`. Returns the exit code; never throws. */
export async function runParseCommand(args: string[]): Promise<number> {
  try {
    let json = false;
    const files: string[] = [];
    for (const a of args) {
      if (a === '--json') json = true;
      else if (a === '-h' || a === '--help') {
        process.stdout.write(USAGE);
        return 0;
      } else if (a.startsWith('-') && a !== '-') {
        process.stderr.write(`Lỗi: tùy chọn không hợp lệ "${a}".\n${USAGE}`);
        return 2;
      } else files.push(a);
    }
    if (files.length !== 1) {
      process.stderr.write(`Lỗi: ${files.length === 0 ? 'thiếu tên tệp cần đọc' : 'chỉ đọc một tệp mỗi lần'}.\n${USAGE}`);
      return 2;
    }
    const file = files[0] ?? '';
    let text: string;
    try {
      text = await readDocumentFile(file);
    } catch (e) {
      const message = e instanceof DocumentReadError ? e.message : `Không đọc được tệp "${file}": ${(e as Error).message}`;
      process.stderr.write(`Lỗi: ${message}\n`);
      return 1;
    }
    const documents = parseDocuments(text);
    if (/\.pdf$/i.test(file) && isScannedPdfText(text)) {
      process.stderr.write(`Tệp PDF "${file}" là ảnh quét, không có lớp chữ: không đọc được phần đầu văn bản (chưa có nhận dạng chữ).\n`);
    }
    if (json) {
      const body = documents.length === 0 ? '{"documents": []}' : JSON.stringify({ documents }, null, 2);
      process.stdout.write(`${body}\n`);
    } else {
      process.stdout.write(formatSummary(file, documents));
    }
    return 0;
  } catch (e) {
    process.stderr.write(`Lỗi không mong đợi khi phân tích văn bản: ${(e as Error)?.message ?? String(e)}\n`);
    return 1;
  }
}
