// Reading files: UTF-8 and 8-bit text, a .docx built here (a minimal zip), a .pdf made with
// pdfkit and a Vietnamese font, and the errors for missing and unsupported files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import { DocumentReadError, parseDocuments, readDocumentFile } from './index.ts';
import { makeDocx } from './fixtures/docx.ts';

const dir = mkdtempSync(join(tmpdir(), 'sotay-parser-'));

const PARAGRAPHS = [
  'ỦY BAN NHÂN DÂN',
  'XÃ BÌNH MINH',
  'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
  'Độc lập - Tự do - Hạnh phúc',
  'Số: 21/GM-UBND',
  'Bình Minh, ngày 14 tháng 5 năm 2024',
  'GIẤY MỜI',
  'Dự họp triển khai nhiệm vụ quý II',
  'Ủy ban nhân dân xã trân trọng kính mời các đồng chí trưởng thôn dự họp đầy đủ, đúng giờ./.',
  'Nơi nhận:',
  '- Như thành phần mời;',
  '- Lưu: VP.',
  'CHỦ TỊCH',
  'Trịnh Văn Lộc',
];

test('.docx: raw text through mammoth, then parsed', async () => {
  const file = join(dir, 'giay-moi.docx');
  writeFileSync(file, makeDocx(PARAGRAPHS));
  const text = await readDocumentFile(file);
  assert.match(text, /GIẤY MỜI/);
  const [d] = parseDocuments(text);
  assert.equal(d?.number, '21/GM-UBND');
  assert.equal(d?.kind, 'giay_moi');
  assert.equal(d?.issuer, 'ỦY BAN NHÂN DÂN XÃ BÌNH MINH');
  assert.equal(d?.date, '2024-05-14');
  assert.equal(d?.subject, 'Dự họp triển khai nhiệm vụ quý II');
  assert.equal(d?.signer, 'Trịnh Văn Lộc');
  assert.equal(d?.signer_title, 'CHỦ TỊCH');
});

// A TrueType font with Vietnamese glyphs: the project's own, else a common system font.
function vietnameseFont(): string | null {
  const candidates = [
    fileURLToPath(new URL('../../../assets/fonts/BeVietnamPro_400Regular.ttf', import.meta.url)),
    '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
    '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
  ];
  try {
    candidates.unshift(createRequire(import.meta.url).resolve('@expo-google-fonts/be-vietnam-pro/400Regular/BeVietnamPro_400Regular.ttf'));
  } catch {
    // not installed
  }
  return candidates.find((f) => existsSync(f)) ?? null;
}

test('.pdf: the text layer through unpdf, then parsed', async (t) => {
  const font = vietnameseFont();
  if (!font) {
    t.skip('no TrueType font with Vietnamese glyphs on this machine to build the PDF');
    return;
  }
  const pdf = new PDFDocument({ size: 'A4', margin: 50 });
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve) => pdf.on('end', () => resolve()));
  pdf.font(font).fontSize(11);
  let y = 50;
  for (const p of PARAGRAPHS) {
    pdf.text(p, 50, y, { width: 480 });
    y += 18;
  }
  pdf.end();
  await done;
  const file = join(dir, 'giay-moi.pdf');
  writeFileSync(file, Buffer.concat(chunks));
  const [d] = parseDocuments(await readDocumentFile(file));
  assert.equal(d?.number, '21/GM-UBND');
  assert.equal(d?.place, 'Bình Minh');
  assert.equal(d?.signer, 'Trịnh Văn Lộc');
});

test('text files: UTF-8, UTF-16 with BOM, and 8-bit TCVN3 bytes', async () => {
  const utf8 = join(dir, 'a.txt');
  writeFileSync(utf8, PARAGRAPHS.join('\n'));
  assert.equal(parseDocuments(await readDocumentFile(utf8))[0]?.number, '21/GM-UBND');
  const utf16 = join(dir, 'b.md');
  writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(PARAGRAPHS.join('\n'), 'utf16le')]));
  assert.equal(parseDocuments(await readDocumentFile(utf16))[0]?.number, '21/GM-UBND');
  const tcvn = join(dir, 'c.txt');
  writeFileSync(tcvn, Buffer.from('Sè: 3/TB-UBND\nHµ Néi, ngµy 2 th¸ng 3 n¨m 2001\nTH¤NG B¸O\nLÞch häp\nNgµy 1/3, Uû ban nh©n d©n quËn häp vµ th«ng b¸o kÕt qu¶ nh­ sau ®©y cho c¸c ®¬n vÞ:\n', 'latin1'));
  const [d] = parseDocuments(await readDocumentFile(tcvn));
  assert.equal(d?.place, 'Hà Nội');
  assert.equal(d?.subject, 'Lịch họp');
});

test('missing, unsupported and binary files throw DocumentReadError with a Vietnamese message', async () => {
  await assert.rejects(readDocumentFile(join(dir, 'khong-co.txt')), (e: unknown) => {
    assert.ok(e instanceof DocumentReadError);
    assert.equal(e.code, 'not_found');
    assert.match(e.message, /Không tìm thấy tệp/);
    return true;
  });
  const xls = join(dir, 'x.xlsx');
  writeFileSync(xls, 'abc');
  await assert.rejects(readDocumentFile(xls), (e: unknown) => e instanceof DocumentReadError && e.code === 'unsupported');
  const bin = join(dir, 'x.txt');
  writeFileSync(bin, Buffer.from([0, 1, 2, 0, 0, 0, 3, 4]));
  await assert.rejects(readDocumentFile(bin), (e: unknown) => e instanceof DocumentReadError && e.code === 'unsupported');
  const badDocx = join(dir, 'bad.docx');
  writeFileSync(badDocx, 'not a zip');
  await assert.rejects(readDocumentFile(badDocx), (e: unknown) => e instanceof DocumentReadError && e.code === 'unreadable');
  await assert.rejects(readDocumentFile(dir), (e: unknown) => e instanceof DocumentReadError && e.code === 'not_a_file');
});
