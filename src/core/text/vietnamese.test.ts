import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collationKey, compareNames, foldVietnamese, nameSortKey, normalizePhone, splitName } from './vietnamese.ts';

const byteCompare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const vi = new Intl.Collator('vi');

test('foldVietnamese strips tones and đ, NFC or NFD alike', () => {
  assert.equal(foldVietnamese('Nghị  Quyết'), 'nghi quyet');
  assert.equal(foldVietnamese('Đảng ủy'.normalize('NFD')), 'dang uy');
  assert.equal(foldVietnamese('ĐỒNG THỌ'), 'dong tho');
});

test('collationKey orders single words exactly like Intl.Collator("vi")', () => {
  const words = ['a', 'à', 'ả', 'ã', 'á', 'ạ', 'ă', 'ằ', 'â', 'ấ', 'b', 'A', 'À', 'an', 'anh', 'Anh', 'ăn', 'đ', 'd', 'Đ', 'e', 'ê', 'ơ', 'ô', 'o', 'ư', 'u', 'y', 'ỹ', 'a b', 'ab', 'a1', '1a'];
  for (const x of words)
    for (const y of words) assert.equal(Math.sign(byteCompare(collationKey(x), collationKey(y))), Math.sign(vi.compare(x, y)), `${x} vs ${y}`);
});

// Deterministic pseudo-random Vietnamese names, checked against Intl.Collator('vi').
function rng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}
const SYLLABLES = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý', 'Văn', 'Thị', 'Hữu', 'Đức', 'Thu', 'Thủy', 'Thụy', 'Thúy', 'Thùy', 'An', 'Ánh', 'Anh', 'Ân', 'Ẩn', 'Ăn', 'Bình', 'Châu', 'Dũng', 'Đông', 'Hải', 'Hà', 'Hạ', 'Hả', 'Hằng', 'Hương', 'Hường', 'Loan', 'Minh', 'Ngọc', 'Oanh', 'Phú', 'Quang', 'Sơn', 'Tuấn', 'Tú', 'Tư', 'Ưng', 'Yến', 'Ý', 'thu', 'THU'];

test('nameSortKey sorts by given name, then family and middle names, like the collator', () => {
  const r = rng(42);
  const pick = () => SYLLABLES[Math.floor(r() * SYLLABLES.length)]!;
  const names: string[] = [];
  for (let i = 0; i < 3000; i++) {
    const len = 2 + Math.floor(r() * 3);
    names.push(Array.from({ length: len }, pick).join(' '));
  }
  const byKey = [...names].sort((a, b) => byteCompare(nameSortKey(a), nameSortKey(b)) || byteCompare(a, b));
  const byCollator = [...names].sort((a, b) => compareNames(a, b) || byteCompare(a, b));
  // Ties under the collator must also tie under the key (and vice versa).
  for (let i = 0; i < names.length; i++) {
    assert.equal(compareNames(byKey[i]!, byCollator[i]!), 0, `position ${i}: ${byKey[i]} vs ${byCollator[i]}`);
  }
});

test('splitName takes the first word as family and the last as given name', () => {
  assert.deepEqual(splitName(' Nguyễn  Thị Thu Hà '), { family: 'Nguyễn', middle: 'Thị Thu', given: 'Hà' });
  assert.deepEqual(splitName('Hà'), { family: '', middle: '', given: 'Hà' });
});

test('normalizePhone accepts national and +84 forms only', () => {
  assert.equal(normalizePhone('0912 345 678'), '0912345678');
  assert.equal(normalizePhone('+84912345678'), '0912345678');
  assert.equal(normalizePhone('12345'), null);
});
