// Unicode NFC and the legacy TCVN3 (ABC) and VNI encodings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convertTcvn3, convertVni, detectLegacyEncoding, fold, normalizeText, parseDocuments } from './index.ts';

test('NFD text is composed to NFC; CRLF, BOM and non-breaking spaces are normalised', () => {
  const nfd = 'Hướng dẫn số 3'.normalize('NFD');
  assert.notEqual(nfd, 'Hướng dẫn số 3');
  assert.equal(normalizeText(nfd), 'Hướng dẫn số 3');
  assert.equal(normalizeText('\uFEFFa\r\nb\u00A0c\rd'), 'a\nb c\nd');
  assert.equal(detectLegacyEncoding('Cộng hòa xã hội chủ nghĩa Việt Nam'), 'unicode');
});

test('TCVN3 (ABC): small letters, capital-font lines and the seven capital letters', () => {
  assert.equal(convertTcvn3('Hµ Néi, ngµy 12 th¸ng 3 n¨m 2020'), 'Hà Nội, ngày 12 tháng 3 năm 2020');
  assert.equal(convertTcvn3('§éc lËp - Tù do - H¹nh phóc'), 'Độc lập - Tự do - Hạnh phúc');
  assert.equal(convertTcvn3('CéNG HßA X· HéI CHñ NGHÜA VIÖT NAM'), 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
  assert.equal(convertTcvn3('Sè: 15/Q§-UBND'), 'Số: 15/QĐ-UBND');
  assert.equal(convertTcvn3('tr\u00ADêng häc, ®­îc'), 'trường học, được');
  assert.equal(convertTcvn3('¡ ¢ £ ¤ ¥ ¦ §'), 'Ă Â Ê Ô Ơ Ư Đ');
  assert.equal(detectLegacyEncoding('Uû ban nh©n d©n tØnh vµ c¸c së, ban, ngµnh'), 'tcvn3');
});

test('VNI: vowel + mark pairs, the single-character letters and capitals', () => {
  assert.equal(convertVni('Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam'), 'Cộng hòa xã hội chủ nghĩa Việt Nam');
  assert.equal(convertVni('Haø Noäi, ngaøy 12 thaùng 3 naêm 2020'), 'Hà Nội, ngày 12 tháng 3 năm 2020');
  assert.equal(convertVni('Ñoäc laäp - Töï do - Haïnh phuùc'), 'Độc lập - Tự do - Hạnh phúc');
  assert.equal(convertVni('UÛY BAN NHAÂN DAÂN TÆNH'), 'ỦY BAN NHÂN DÂN TỈNH');
  assert.equal(convertVni('THOÂNG BAÙO'), 'THÔNG BÁO');
  assert.equal(convertVni('ñöôïc tröôøng Chuû tòch'), 'được trường Chủ tịch');
  assert.equal(convertVni('aê aé aè aú aü aë'), 'ă ắ ằ ẳ ẵ ặ');
  assert.equal(detectLegacyEncoding('Coâng vaên naøy ñeà nghò caùc ñôn vò thöïc hieän'), 'vni');
});

test('a whole document typed in TCVN3 is converted, then parsed', () => {
  const tcvn3 = [
    'UBND TØNH PHó AN',
    'Sè: 15/TB-UBND',
    'Phó An, ngµy 12 th¸ng 3 n¨m 2020',
    'TH¤NG B¸O',
    'KÕt luËn cña Chñ tÞch UBND tØnh',
    'Ngµy 10/3/2020, ®ång chÝ Chñ tÞch UBND tØnh chñ tr× cuéc häp vµ kÕt luËn c¸c néi dung sau ®©y:',
  ].join('\n');
  const [d] = parseDocuments(tcvn3);
  assert.equal(d?.issuer, 'UBND TỈNH PHÚ AN');
  assert.equal(d?.number, '15/TB-UBND');
  assert.equal(d?.kind, 'thong_bao');
  assert.equal(d?.place, 'Phú An');
  assert.equal(d?.date, '2020-03-12');
  assert.equal(d?.subject, 'Kết luận của Chủ tịch UBND tỉnh');
});

test('a whole document typed in VNI is converted, then parsed', () => {
  const vni = [
    'UÛY BAN NHAÂN DAÂN',
    'HUYEÄN SOÂNG ÑAØ',
    'Soá: 8/KH-UBND',
    'Soâng Ñaø, ngaøy 5 thaùng 6 naêm 2019',
    'KEÁ HOAÏCH',
    'Toå chöùc ngaøy hoäi ñaïi ñoaøn keát',
    'Caên cöù tình hình thöïc teá, Uûy ban nhaân daân huyeän xaây döïng keá hoaïch nhö sau:',
  ].join('\n');
  const [d] = parseDocuments(vni);
  assert.equal(d?.issuer, 'ỦY BAN NHÂN DÂN HUYỆN SÔNG ĐÀ');
  assert.equal(d?.number, '8/KH-UBND');
  assert.equal(d?.kind, 'ke_hoach');
  assert.equal(d?.place, 'Sông Đà');
  assert.equal(d?.date, '2019-06-05');
  assert.equal(d?.subject, 'Tổ chức ngày hội đại đoàn kết');
});

test('Unicode text with a few Latin-1 symbols is left alone', () => {
  const text = 'Ủy ban nhân dân tỉnh «Khu dân cư văn hóa» © 2021 — Điều 1.';
  assert.equal(normalizeText(text), text);
});

test('fold removes diacritics for tolerant matching', () => {
  assert.equal(fold('Hỏa tốc'), 'HOA TOC');
  assert.equal(fold('ĐẢNG'), 'DANG');
});
