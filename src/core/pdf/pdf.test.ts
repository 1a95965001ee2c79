import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractText, getDocumentProxy } from 'unpdf';
import { createPdf, pdfBuffer } from './pdf.ts';

test('PDFs embed a font that carries every Vietnamese letter: the text comes back out exactly', async () => {
  const line = 'Công điện về tăng cường các biện pháp cấp bách phòng, chống dịch — Đảng ủy xã Đông Thọ: ắ ằ ẳ ẵ ặ ấ ầ ẩ ẫ ậ ế ề ể ễ ệ ố ồ ổ ỗ ộ ớ ờ ở ỡ ợ ứ ừ ử ữ ự ý ỳ ỷ ỹ ỵ đ Đ ư Ư ơ Ơ';
  const doc = createPdf({ title: 'Kiểm tra phông chữ' });
  doc.font('regular').fontSize(12).text(line);
  doc.font('bold').text('Người ký: Huỳnh Thị Hằng');
  const pdf = await pdfBuffer(doc);
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  const { text } = await extractText(await getDocumentProxy(new Uint8Array(pdf)), { mergePages: true });
  const squash = (s: string) => s.normalize('NFC').replace(/\s+/g, ' ').trim();
  assert.ok(squash(text).includes(squash(line)), squash(text).slice(0, 200));
  assert.ok(squash(text).includes('Người ký: Huỳnh Thị Hằng'));
});
