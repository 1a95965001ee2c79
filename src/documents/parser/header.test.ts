// Rule-by-rule tests on small synthetic documents (invented names, numbers and places).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findReferences, kindFromSymbol, parseDocuments } from './index.ts';
import type { ParsedDocument } from './index.ts';
import { parseDateLine, parseNumberLine, parseStampMarks, parseTypeLine } from './lines.ts';

function one(text: string): ParsedDocument {
  const docs = parseDocuments(text);
  assert.equal(docs.length, 1, `expected one document, got ${docs.length}`);
  return docs[0] as ParsedDocument;
}

const STATE_DOC = `ỦY BAN NHÂN DÂN
HUYỆN LAM SƠN
-------
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Số: 58/TB-UBND

Lam Sơn, ngày 09 tháng 11 năm 2023

THÔNG BÁO
Kết luận của Chủ tịch UBND huyện
tại buổi làm việc với các xã vùng ven

Ngày 06/11/2023, đồng chí Chủ tịch UBND huyện chủ trì buổi làm việc với các xã; sau khi nghe báo cáo, đồng chí kết luận:
1. Các xã khẩn trương rà soát theo Kế hoạch số 14/KH-UBND và Quyết định số 102/QĐ-UBND.
2. Phòng Nội vụ thực hiện theo Công văn số 77/SNV-TCBC; Thông báo số 58/TB-UBND nêu trên.

Nơi nhận:
- Các xã, thị trấn;
- Lưu: VT.

TL. CHỦ TỊCH
CHÁNH VĂN PHÒNG

Hoàng Minh Đức
`;

test('state document: every field of the header and closing block', () => {
  const d = one(STATE_DOC);
  assert.equal(d.number, '58/TB-UBND');
  assert.equal(d.symbol, 'TB-UBND');
  assert.equal(d.kind, 'thong_bao');
  assert.equal(d.issuer, 'ỦY BAN NHÂN DÂN HUYỆN LAM SƠN');
  assert.equal(d.place, 'Lam Sơn');
  assert.equal(d.date, '2023-11-09');
  assert.equal(d.urgency, null);
  assert.equal(d.subject, 'Kết luận của Chủ tịch UBND huyện tại buổi làm việc với các xã vùng ven');
  assert.equal(d.signer, 'Hoàng Minh Đức');
  assert.equal(d.signer_title, 'CHÁNH VĂN PHÒNG');
  assert.deepEqual(d.references, ['14/KH-UBND', '102/QĐ-UBND', '77/SNV-TCBC']);
  assert.deepEqual(d.copies_to, ['Các xã, thị trấn', 'Lưu: VT']);
  assert.equal(d.received, null);
  assert.equal(d.secrecy, null);
  assert.deepEqual(Object.keys(d), [
    'number', 'symbol', 'kind', 'issuer', 'place', 'date', 'urgency', 'subject', 'signer', 'signer_title',
    'references', 'recipients', 'copies_to', 'received', 'secrecy',
  ]);
});

test('party document: "Số 12-CV/HU" number, issuer above the star, T/M title, công văn from the symbol', () => {
  const d = one(`ĐẢNG BỘ TỈNH HÒA BÌNH AN
HUYỆN ỦY SÔNG CẦU
*
Số 213 - CV/HU
V/v chuẩn bị đại hội chi bộ
ĐẢNG CỘNG SẢN VIỆT NAM
Sông Cầu, ngày 2 tháng 3 năm 2022

Kính gửi: - Các chi bộ trực thuộc;
- Đảng ủy các xã.

Thực hiện Hướng dẫn số 08-HD/TU của Ban Thường vụ Tỉnh ủy, Ban Thường vụ Huyện ủy đề nghị các chi bộ chuẩn bị chu đáo đại hội./.

Nơi nhận:
- Như kính gửi,
- Lưu Văn phòng Huyện ủy.

T/M BAN THƯỜNG VỤ
BÍ THƯ

Lò Văn Sáng
`);
  assert.equal(d.number, '213-CV/HU');
  assert.equal(d.symbol, 'CV/HU');
  assert.equal(d.kind, 'cong_van');
  assert.equal(d.issuer, 'ĐẢNG BỘ TỈNH HÒA BÌNH AN HUYỆN ỦY SÔNG CẦU');
  assert.equal(d.place, 'Sông Cầu');
  assert.equal(d.date, '2022-03-02');
  assert.equal(d.subject, 'chuẩn bị đại hội chi bộ');
  assert.deepEqual(d.recipients, ['Các chi bộ trực thuộc', 'Đảng ủy các xã']);
  assert.equal(d.signer, 'Lò Văn Sáng');
  assert.equal(d.signer_title, 'BÍ THƯ');
  assert.deepEqual(d.references, ['08-HD/TU']);
});

test('number line formats: state, state with year, party, blank number, leading zeros', () => {
  assert.deepEqual(
    [parseNumberLine('Số: 07/KH-UBND')?.number, parseNumberLine('Số: 07/KH-UBND')?.symbol],
    ['07/KH-UBND', 'KH-UBND'],
  );
  assert.equal(parseNumberLine('Số: 0045 /CT-UBND')?.number, '0045/CT-UBND');
  const withYear = parseNumberLine('Số: 15/2024/NQ-HĐND');
  assert.equal(withYear?.number, '15/2024/NQ-HĐND');
  assert.equal(withYear?.symbol, 'NQ-HĐND');
  const party = parseNumberLine('Số 31 - QĐi/TW');
  assert.equal(party?.number, '31-QĐi/TW');
  assert.equal(party?.symbol, 'QĐi/TW');
  assert.equal(party?.party, true);
  const blank = parseNumberLine('Số:     /TB-UBND');
  assert.equal(blank?.number, null);
  assert.equal(blank?.symbol, 'TB-UBND');
  assert.equal(parseNumberLine('Số:  ..... /QĐ-SYT')?.number, null);
  assert.equal(parseNumberLine('Số  -BC/ĐU')?.symbol, 'BC/ĐU');
  assert.equal(parseNumberLine('Số: 2044'), null, 'a register number without ký hiệu is not a document number');
  assert.equal(parseNumberLine('Số liệu/tháng'), null);
});

test('blank number and blank day: number and date are null, symbol and place kept', () => {
  const d = one(`Số:      /TB-UBND
Hồng Lĩnh, ngày    tháng 10 năm 2024
THÔNG BÁO
Lịch tiếp công dân tháng 11
Ủy ban nhân dân thị xã thông báo lịch tiếp công dân định kỳ của lãnh đạo trong tháng như sau:
`);
  assert.equal(d.number, null);
  assert.equal(d.symbol, 'TB-UBND');
  assert.equal(d.place, 'Hồng Lĩnh');
  assert.equal(d.date, null);
  assert.equal(d.subject, 'Lịch tiếp công dân tháng 11');
});

test('date lines', () => {
  assert.deepEqual(parseDateLine('Bà Rịa - Vũng Tàu, ngày 01 tháng 02 năm 2020'), { place: 'Bà Rịa - Vũng Tàu', date: '2020-02-01' });
  assert.deepEqual(parseDateLine('TP. Hồ Chí Minh, ngày 5 tháng 12 năm 2019'), { place: 'TP. Hồ Chí Minh', date: '2019-12-05' });
  assert.deepEqual(parseDateLine('Cà Mau, ngày … tháng … năm 2025'), { place: 'Cà Mau', date: null });
  assert.equal(parseDateLine('Ngày 12 tháng 4 năm 2021, Ban Thường vụ họp và thống nhất các nội dung'), null);
  assert.equal(parseDateLine('Hà Nội, ngày 31 tháng 2 năm 2021')?.date, null, 'an impossible date is not invented');
});

test('urgency marks, OCR variants, and words that are not marks', () => {
  assert.deepEqual(parseStampMarks('HỎA TỐC'), { urgency: 'hoa_toc', secrecy: null });
  assert.deepEqual(parseStampMarks('HOẢ TỐC'), { urgency: 'hoa_toc', secrecy: null });
  assert.deepEqual(parseStampMarks('HÒA TỐC'), { urgency: 'hoa_toc', secrecy: null }, 'OCR of HỎA TỐC');
  assert.deepEqual(parseStampMarks('THƯỢNG KHẨN'), { urgency: 'thuong_khan', secrecy: null });
  assert.deepEqual(parseStampMarks('KHẨN'), { urgency: 'khan', secrecy: null });
  assert.deepEqual(parseStampMarks('**KHẨN**'), { urgency: 'khan', secrecy: null });
  assert.equal(parseStampMarks('khẩn trương'), null);
  assert.equal(parseStampMarks('KHẨN CẤP'), null);
  assert.equal(parseStampMarks('Các đơn vị khẩn trương triển khai'), null);
});

test('"khẩn trương" and "KHẨN CẤP" in the subject or body are not urgency', () => {
  const d = one(`Số: 91/UBND-NN
Tân Phú, ngày 3 tháng 9 năm 2023
V/v khẩn trương ứng phó tình huống KHẨN CẤP do mưa lũ
Kính gửi: Các phòng, ban chuyên môn.
Yêu cầu các đơn vị khẩn trương triển khai ngay các biện pháp ứng phó, báo cáo kết quả trước 17 giờ hằng ngày./.
`);
  assert.equal(d.urgency, null);
  assert.equal(d.kind, 'cong_van');
  assert.equal(d.subject, 'khẩn trương ứng phó tình huống KHẨN CẤP do mưa lũ');
});

test('secrecy stamps', () => {
  assert.deepEqual(parseStampMarks('MẬT'), { urgency: null, secrecy: 'mat' });
  assert.deepEqual(parseStampMarks('TỐI MẬT'), { urgency: null, secrecy: 'toi_mat' });
  assert.deepEqual(parseStampMarks('TUYỆT MẬT'), { urgency: null, secrecy: 'tuyet_mat' });
  assert.equal(parseStampMarks('bí mật'), null);
  const d = one(`BỘ CHỈ HUY QUÂN SỰ TỈNH
Số: 12/BC-BCH
MẬT
THƯỢNG KHẨN
Phú Lâm, ngày 4 tháng 4 năm 2022
BÁO CÁO
Tình hình thực hiện nhiệm vụ quý I
Trong quý I, đơn vị đã hoàn thành các chỉ tiêu huấn luyện, sẵn sàng chiến đấu theo kế hoạch được giao.
`);
  assert.equal(d.secrecy, 'mat');
  assert.equal(d.urgency, 'thuong_khan');
  assert.equal(d.kind, 'bao_cao');
});

test('kind comes from the printed type name; the symbol code is only a fallback', () => {
  assert.equal(parseTypeLine('QUYẾT ĐỊNH')?.kind, 'quyet_dinh');
  assert.equal(parseTypeLine('QUY ĐỊNH')?.kind, 'quy_dinh');
  assert.equal(parseTypeLine('THÔNG BÁO KẾT LUẬN CỦA THƯỜNG TRỰC')?.rest, 'KẾT LUẬN CỦA THƯỜNG TRỰC');
  assert.equal(parseTypeLine('QUYẾT ĐỊNH:'), null, 'the enacting words are not a title');
  assert.equal(parseTypeLine('Quyết định này có hiệu lực'), null);
  assert.equal(kindFromSymbol('QĐ-UBND', false), 'quyet_dinh');
  assert.equal(kindFromSymbol('QĐ/TW', true), 'quy_dinh');
  assert.equal(kindFromSymbol('QĐi/TW', true), 'quy_dinh');
  assert.equal(kindFromSymbol('TT/TU', true), 'thong_tri');
  assert.equal(kindFromSymbol('TT-BYT', false), 'thong_tu');
  assert.equal(kindFromSymbol('CD-TTg', false), 'cong_dien');
  assert.equal(kindFromSymbol('QH15', false), 'luat');
  assert.equal(kindFromSymbol('UBND-VX', false), null);
  // Printed "KẾ HOẠCH" wins over a symbol that says something else.
  const d = one(`Số: 33/UBND-VX
Hà Tiên, ngày 2 tháng 6 năm 2021
KẾ HOẠCH
Tổ chức tháng hành động vì trẻ em
Căn cứ tình hình thực tế, Ủy ban nhân dân thành phố ban hành kế hoạch tổ chức tháng hành động như sau:
`);
  assert.equal(d.kind, 'ke_hoach');
  // No type name, party symbol with QĐ: quy định.
  const p = one(`BAN THƯỜNG VỤ TỈNH ỦY
*
Số 05-QĐ/TU
ĐẢNG CỘNG SẢN VIỆT NAM
Kon Rẫy, ngày 1 tháng 1 năm 2024
Ban Thường vụ Tỉnh ủy quy định về chế độ làm việc của các cơ quan tham mưu, giúp việc như sau:
`);
  assert.equal(p.kind, 'quy_dinh');
});

test('THÔNG BÁO KẾT LUẬN and KẾT LUẬN CỦA …: subject starts after the type name', () => {
  const a = one(`VĂN PHÒNG TỈNH ỦY
Số 20-TB/VPTU
THÔNG BÁO KẾT LUẬN CỦA THƯỜNG TRỰC TỈNH ỦY
về công tác chuẩn bị Tết
Ngày 10/1/2024, Thường trực Tỉnh ủy họp nghe báo cáo tình hình chuẩn bị Tết Nguyên đán và kết luận như sau:
`);
  assert.equal(a.kind, 'thong_bao');
  assert.equal(a.subject, 'KẾT LUẬN CỦA THƯỜNG TRỰC TỈNH ỦY về công tác chuẩn bị Tết');
  const b = one(`BAN CHẤP HÀNH TRUNG ƯƠNG
Số 99-KL/TW
KẾT LUẬN CỦA BỘ CHÍNH TRỊ
VỀ TIẾP TỤC THỰC HIỆN NGHỊ QUYẾT SỐ 01-NQ/TW
Ngày 2/2/2024, Bộ Chính trị nghe báo cáo sơ kết và kết luận các nội dung sau đây:
`);
  assert.equal(b.kind, 'ket_luan');
  assert.equal(b.subject, 'CỦA BỘ CHÍNH TRỊ VỀ TIẾP TỤC THỰC HIỆN NGHỊ QUYẾT SỐ 01-NQ/TW');
  assert.equal(b.issuer, 'BAN CHẤP HÀNH TRUNG ƯƠNG');
});

test('decision laid out as a web page: tabs, separators, enacting authority, annex stays with its parent', () => {
  const text = [
    'BỘ GIÁO DỤC',
    'TRƯỜNG CAO ĐẲNG MIỀN NÚI',
    '-------\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
    'Độc lập - Tự do - Hạnh phúc',
    '---------------',
    'Số: 301/QĐ-CĐMN\tLạng Giang, ngày 15 tháng 8 năm 2022',
    ' ',
    'QUYẾT ĐỊNH',
    'VỀ VIỆC BAN HÀNH QUY CHẾ CHI TIÊU NỘI BỘ',
    'NĂM HỌC 2022-2023',
    'HIỆU TRƯỞNG TRƯỜNG CAO ĐẲNG MIỀN NÚI',
    'Căn cứ Nghị định số 60/2021/NĐ-CP ngày 21 tháng 6 năm 2021 của Chính phủ;',
    'QUYẾT ĐỊNH:',
    'Điều 1. Ban hành kèm theo Quyết định này Quy chế chi tiêu nội bộ.',
    'Điều 2. Quyết định này có hiệu lực kể từ ngày ký./.',
    ' ',
    'Nơi nhận:',
    '- Như Điều 2;',
    '- Lưu: VT, TCKT.\tHIỆU TRƯỞNG',
    '',
    '',
    'Đinh Thị Thu',
    ' ',
    'QUY CHẾ',
    'CHI TIÊU NỘI BỘ',
    '(Ban hành kèm theo Quyết định số 301/QĐ-CĐMN ngày 15/8/2022)',
    'Chương I',
    'QUY ĐỊNH CHUNG',
    'Điều 1. Quy chế áp dụng theo Thông tư số 12/2022/TT-BTC[1].',
    '[1] Điều này được sửa đổi bởi Quyết định số 09/QĐ-CĐMN',
  ].join('\n');
  const d = one(text);
  assert.equal(d.kind, 'quyet_dinh');
  assert.equal(d.issuer, 'BỘ GIÁO DỤC TRƯỜNG CAO ĐẲNG MIỀN NÚI');
  assert.equal(d.subject, 'VỀ VIỆC BAN HÀNH QUY CHẾ CHI TIÊU NỘI BỘ NĂM HỌC 2022-2023');
  assert.equal(d.place, 'Lạng Giang');
  assert.equal(d.signer, 'Đinh Thị Thu');
  assert.equal(d.signer_title, 'HIỆU TRƯỞNG');
  assert.deepEqual(d.references, ['60/2021/NĐ-CP', '12/2022/TT-BTC', '09/QĐ-CĐMN']);
});

test('several documents back to back, and a page with none', () => {
  const second = `BỘ NÔNG NGHIỆP
Số: 7/CĐ-BNN
Hà Nội, ngày 8 tháng 9 năm 2024
HỎA TỐC
CÔNG ĐIỆN
Về việc ứng phó với bão
BỘ NÔNG NGHIỆP ĐIỆN:
- Ủy ban nhân dân các tỉnh ven biển.
Để chủ động ứng phó với bão, Bộ đề nghị các địa phương thực hiện ngay các biện pháp theo Công điện số 5/CĐ-TTg./.
Nơi nhận:
- Như trên;
- Lưu: VT.
KT. BỘ TRƯỞNG
THỨ TRƯỞNG
Phan Quốc Toản
`;
  const docs = parseDocuments(`${STATE_DOC}\n${second}`);
  assert.equal(docs.length, 2);
  assert.equal(docs[0]?.number, '58/TB-UBND');
  assert.equal(docs[0]?.signer, 'Hoàng Minh Đức');
  assert.equal(docs[1]?.number, '7/CĐ-BNN');
  assert.equal(docs[1]?.kind, 'cong_dien');
  assert.equal(docs[1]?.issuer, 'BỘ NÔNG NGHIỆP');
  assert.equal(docs[1]?.urgency, 'hoa_toc');
  assert.equal(docs[1]?.subject, 'Về việc ứng phó với bão');
  assert.deepEqual(docs[1]?.recipients, ['Ủy ban nhân dân các tỉnh ven biển']);
  assert.equal(docs[1]?.signer_title, 'THỨ TRƯỞNG');
  assert.deepEqual(docs[1]?.references, ['5/CĐ-TTg']);
  assert.deepEqual(
    parseDocuments('TIN TRONG TỈNH\n\nSáng ngày 3/5, Ủy ban nhân dân tỉnh tổ chức hội nghị tổng kết công tác năm, nhiều đại biểu tham dự.\n\n**PHƯƠNG ANH**\n'),
    [],
  );
  assert.deepEqual(parseDocuments(''), []);
});

test('the ĐẾN stamp in the middle of the header: parsed as received, not as number or reference', () => {
  const d = one(`SỞ Y TẾ TỈNH BẮC SƠN
Số: 410/SYT-NVY
V/v tăng cường giám sát dịch bệnh
NG VĂN HÓA TỈNH BẮC SƠN
Số: 1877\tĐẾN
Ngày: 7/10/2023
Chuyển: Phó Giám đốc
Số và ký hiệu HS:
Bắc Sơn, ngày 05 tháng 10 năm 2023
Kính gửi: Các đơn vị trực thuộc.
Thực hiện Công văn số 900/BYT-DP của Bộ Y tế, Sở Y tế đề nghị các đơn vị tăng cường giám sát dịch bệnh./.
`);
  assert.equal(d.number, '410/SYT-NVY');
  assert.equal(d.issuer, 'SỞ Y TẾ TỈNH BẮC SƠN');
  assert.deepEqual(d.received, { number: '1877', date: '2023-10-07', forwarded_to: 'Phó Giám đốc' });
  assert.equal(d.date, '2023-10-05');
  assert.deepEqual(d.references, ['900/BYT-DP']);
});

test('signer block split by a signature image and a digital-signature block', () => {
  const d = one(`Số: 5/GM-UBND
Thạnh Phú, ngày 1 tháng 7 năm 2024
GIẤY MỜI
Dự hội nghị sơ kết 6 tháng
Ủy ban nhân dân xã trân trọng kính mời các đồng chí đến dự hội nghị đầy đủ, đúng giờ./.
Nơi nhận:
- Như thành phần mời;
- Lưu: VP.
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
[Handwritten Signature]
Người ký: Dương Thị Ngọc Hà
Email: ha@example.vn
Cơ quan: Ủy ban nhân dân xã
Dương Thị Ngọc Hà
`);
  assert.equal(d.kind, 'giay_moi');
  assert.equal(d.signer, 'Dương Thị Ngọc Hà');
  assert.equal(d.signer_title, 'PHÓ CHỦ TỊCH');
});

test('signer: lines under the name are ignored; no title line gives null; no signer gives null', () => {
  const d = one(`Số: 3/CĐ-BCĐ
Hà Nội, ngày 2 tháng 2 năm 2022
CÔNG ĐIỆN
Về việc bảo đảm an toàn dịp Tết
Ban Chỉ đạo đề nghị các địa phương bảo đảm an toàn cho người dân trong dịp Tết Nguyên đán./.
Nơi nhận:
- Lưu: VT.

Mai Thế Hùng
THỨ TRƯỞNG BỘ CÔNG AN
`);
  assert.equal(d.signer, 'Mai Thế Hùng');
  assert.equal(d.signer_title, null);
  const n = one(`THÔNG BÁO
Kết luận hội nghị giao ban tháng 5
Ngày 30/5, Thường trực Huyện ủy chủ trì hội nghị giao ban và thống nhất kết luận một số nội dung.
Nơi nhận:
- Các chi bộ;
- Lưu.
`);
  assert.equal(n.signer, null);
  assert.equal(n.signer_title, null);
  assert.equal(n.issuer, null);
  assert.equal(n.number, null);
});

test('references: first appearance, no duplicates, not its own number, only cited by số/ký hiệu', () => {
  const text =
    'Căn cứ Luật số 87/2025/QH15; Nghị định 30/2020/NĐ-CP; Thông báo số 12-TB/TU; Kế hoạch 5/KH-UBND; ' +
    'lại Nghị định 30/2020/NĐ-CP; Đề án 999; Điện ngày 21/7/2021; phiên thứ 6/2021; 24/24 giờ; ' +
    'mã Chiptq.TB.04/T7; Văn bản số 44/UBND; Công văn 88 /SNV-TCBC; COVID-19; SARS-CoV-2; ngày 06-05-2021.';
  assert.deepEqual(findReferences(text, '5/KH-UBND'), [
    '87/2025/QH15', '30/2020/NĐ-CP', '12-TB/TU', '44/UBND', '88/SNV-TCBC',
  ]);
});

test('text arriving decomposed (NFD) and with markdown bold headers', () => {
  const nfd = `**ỦY BAN NHÂN DÂN**
**XÃ PHÚ AN**

**Số: 17/BC-UBND**

Phú An, ngày 20 tháng 12 năm 2023

**BÁO CÁO**
**Kết quả thực hiện nhiệm vụ năm 2023**

Năm 2023, Ủy ban nhân dân xã đã triển khai thực hiện đầy đủ các nhiệm vụ được giao, đạt nhiều kết quả.
`.normalize('NFD');
  const d = one(nfd);
  assert.equal(d.issuer, 'ỦY BAN NHÂN DÂN XÃ PHÚ AN');
  assert.equal(d.number, '17/BC-UBND');
  assert.equal(d.kind, 'bao_cao');
  assert.equal(d.subject, 'Kết quả thực hiện nhiệm vụ năm 2023');
  assert.equal(d.place, 'Phú An');
  assert.equal(d.subject, d.subject?.normalize('NFC'));
});

test('two columns read across one line (PDF text layer)', () => {
  const d = one(`ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
HUYỆN ĐÔNG SƠN Độc lập - Tự do - Hạnh phúc
Số: 215/UBND-VP Đông Sơn, ngày 03 tháng 8 năm 2022
V/v tổ chức tập huấn
Kính gửi: Ủy ban nhân dân các xã, thị trấn.
Thực hiện Công văn số 88/SNV-CCVC ngày 01/8/2022 của Sở Nội vụ, Ủy ban nhân dân
huyện đề nghị các xã cử cán bộ tham dự./.
Nơi nhận: KT. CHỦ TỊCH
- Như trên; PHÓ CHỦ TỊCH
- Lưu: VT.
Lê Thị Hoa`);
  assert.equal(d.issuer, 'ỦY BAN NHÂN DÂN HUYỆN ĐÔNG SƠN');
  assert.equal(d.number, '215/UBND-VP');
  assert.equal(d.place, 'Đông Sơn');
  assert.equal(d.date, '2022-08-03');
  assert.equal(d.subject, 'tổ chức tập huấn');
  assert.equal(d.signer, 'Lê Thị Hoa');
  assert.equal(d.signer_title, 'PHÓ CHỦ TỊCH');
  assert.deepEqual(d.copies_to, ['Như trên', 'Lưu: VT']);
});

test('OCR rows: issuer and date on one line, title and name on one line, "Số:" alone, glued words', () => {
  const d = one(`HUYỆN ỦY ĐỒNG XUÂN Đồng Xuân, ngày 4 tháng 4 năm 2022
*
Số:
215-BC/HU
BÁO CÁO
Sơ kết công tác quý I
Quý I, Ban Thường vụ Huyện ủy đã lãnh đạo hoàn thành các nhiệm vụ theo Kế hoạch số 12-KH/HUngày 2/1/2022 đề ra.
Nơi nhận:
- Ban Thường vụ Tỉnh ủy,
- Lưu.
T/M BAN THƯỜNG VỤ
PHÓ BÍ THƯ Lý Thị Hạnh
`);
  assert.equal(d.issuer, 'HUYỆN ỦY ĐỒNG XUÂN');
  assert.equal(d.place, 'Đồng Xuân');
  assert.equal(d.date, '2022-04-04');
  assert.equal(d.number, '215-BC/HU');
  assert.equal(d.kind, 'bao_cao');
  assert.equal(d.signer, 'Lý Thị Hạnh');
  assert.equal(d.signer_title, 'PHÓ BÍ THƯ');
  assert.deepEqual(d.references, ['12-KH/HU']);
});

test('web layout: markdown table cells with <br>, italic date, "Kính gởi", name in capitals', () => {
  const d = one(`| ỦY BAN NHÂN DÂN<br>THÀNH PHỐ BIỂN ĐÔNG<br>**SỞ Y TẾ**<br>\\-\\-\\-\\-\\-\\-\\- | **CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM**<br>**Độc lập - Tự do - Hạnh phúc** |
|---|---|
| Số: 318/SYT-NVY<br>V/v tăng cường phòng bệnh<br>mùa mưa | _Biển Đông, ngày 2 tháng 8 năm 2024_ |

Kính gởi: Các bệnh viện trực thuộc.

Căn cứ tình hình thực tế, Sở Y tế đề nghị các bệnh viện chủ động phòng bệnh mùa mưa./.

| **Nơi nhận:**<br>- Như trên;<br>- Lưu: VT. | **KT. GIÁM ĐỐC<br>PHÓ GIÁM ĐỐC<br><br><br>TRƯƠNG QUỐC BẢO** |
|---|---|
`);
  assert.equal(d.issuer, 'ỦY BAN NHÂN DÂN THÀNH PHỐ BIỂN ĐÔNG SỞ Y TẾ');
  assert.equal(d.number, '318/SYT-NVY');
  assert.equal(d.subject, 'tăng cường phòng bệnh mùa mưa');
  assert.equal(d.place, 'Biển Đông');
  assert.deepEqual(d.recipients, ['Các bệnh viện trực thuộc']);
  assert.equal(d.signer, 'TRƯƠNG QUỐC BẢO');
  assert.equal(d.signer_title, 'PHÓ GIÁM ĐỐC');
  assert.deepEqual(d.copies_to, ['Như trên', 'Lưu: VT']);
});

test('never throws: truncated, shuffled and random input', () => {
  let seed = 12345;
  const rand = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const base = STATE_DOC.split('\n');
  for (let round = 0; round < 200; round++) {
    const lines = base.filter(() => rand() > 0.2).sort(() => rand() - 0.5);
    const text = lines.join(rand() > 0.5 ? '\n' : '\t').slice(0, Math.floor(rand() * 2000));
    assert.doesNotThrow(() => parseDocuments(text));
    let noise = '';
    for (let k = 0; k < 300; k++) noise += String.fromCharCode(Math.floor(rand() * 0x2000));
    assert.doesNotThrow(() => parseDocuments(noise));
  }
});

test('a law: "Luật số:" number with year, QH symbol, signer without a closing list', () => {
  const d = one(`QUỐC HỘI
-------
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------
Luật số: 99/2030/QH17

LUẬT
TỔ CHỨC CHÍNH QUYỀN THÔN BẢN
Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;
Quốc hội ban hành Luật Tổ chức chính quyền thôn bản, thay thế Luật số 12/2020/QH14.
Điều 1. Phạm vi điều chỉnh
Luật này được Quốc hội khóa XVII, kỳ họp thứ 2 thông qua ngày 10 tháng 12 năm 2030.

CHỦ TỊCH QUỐC HỘI




Đào Văn Khải
`);
  assert.equal(d.number, '99/2030/QH17');
  assert.equal(d.symbol, 'QH17');
  assert.equal(d.kind, 'luat');
  assert.equal(d.issuer, 'QUỐC HỘI');
  assert.equal(d.subject, 'TỔ CHỨC CHÍNH QUYỀN THÔN BẢN');
  assert.equal(d.signer, 'Đào Văn Khải');
  assert.equal(d.signer_title, 'CHỦ TỊCH QUỐC HỘI');
  assert.deepEqual(d.references, ['12/2020/QH14']);
  assert.equal(d.date, null);
});
