// Deterministic randomness and plausible Vietnamese people, shared by the demo data and the
// large synthetic province used in benchmarks. Same seed, same data, on every machine.

/** mulberry32: a small, fast, seedable PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rng = () => number;
export const pick = <T>(r: Rng, items: readonly T[]): T => items[Math.floor(r() * items.length)]!;
export const between = (r: Rng, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

/** Family names weighted roughly by their frequency in Việt Nam. */
const FAMILY: [string, number][] = [
  ['Nguyễn', 38], ['Trần', 11], ['Lê', 9.5], ['Phạm', 7], ['Hoàng', 5], ['Vũ', 4], ['Phan', 4], ['Đặng', 2], ['Bùi', 2], ['Đỗ', 1.4],
  ['Hồ', 1.3], ['Ngô', 1.3], ['Dương', 1], ['Lý', 0.5], ['Đinh', 0.8], ['Mai', 0.5], ['Trịnh', 0.5], ['Đào', 0.5], ['Lương', 0.4], ['Tạ', 0.3],
];
const FAMILY_TOTAL = FAMILY.reduce((s, [, w]) => s + w, 0);
const MIDDLE_MALE = ['Văn', 'Văn', 'Văn', 'Đức', 'Hữu', 'Quang', 'Minh', 'Xuân', 'Công', 'Đình', 'Ngọc', 'Thanh', 'Trọng', 'Mạnh', 'Tiến'];
const MIDDLE_FEMALE = ['Thị', 'Thị', 'Thị', 'Thị', 'Thu', 'Ngọc', 'Thanh', 'Minh', 'Hồng', 'Kim', 'Phương', 'Thúy'];
const GIVEN_MALE = ['An', 'Bình', 'Cường', 'Dũng', 'Đông', 'Đức', 'Giang', 'Hải', 'Hào', 'Hiếu', 'Hòa', 'Hùng', 'Huy', 'Khánh', 'Khoa', 'Lâm', 'Long', 'Minh', 'Nam', 'Nghĩa', 'Phong', 'Phú', 'Quân', 'Quang', 'Sơn', 'Tài', 'Thắng', 'Thành', 'Thịnh', 'Thọ', 'Toàn', 'Trung', 'Tuấn', 'Tùng', 'Việt', 'Vinh', 'Chiến', 'Lợi', 'Kiên', 'Thụy'];
const GIVEN_FEMALE = ['Anh', 'Ánh', 'Chi', 'Dung', 'Hà', 'Hạnh', 'Hằng', 'Hiền', 'Hoa', 'Hoài', 'Hồng', 'Hương', 'Hường', 'Lan', 'Liên', 'Linh', 'Loan', 'Mai', 'Minh', 'Nga', 'Ngọc', 'Nhung', 'Oanh', 'Phương', 'Quyên', 'Tâm', 'Thảo', 'Thủy', 'Thúy', 'Trang', 'Tuyết', 'Vân', 'Yến', 'Xuân', 'Huyền', 'Lụa'];

export type SyntheticPerson = { fullName: string; gender: 'male' | 'female' };

export function vietnameseName(r: Rng): SyntheticPerson {
  const gender = r() < 0.55 ? 'male' : 'female';
  let x = r() * FAMILY_TOTAL;
  let family = FAMILY[0]![0];
  for (const [name, w] of FAMILY) {
    x -= w;
    if (x <= 0) {
      family = name;
      break;
    }
  }
  const middle = pick(r, gender === 'male' ? MIDDLE_MALE : MIDDLE_FEMALE);
  const given = pick(r, gender === 'male' ? GIVEN_MALE : GIVEN_FEMALE);
  return { fullName: `${family} ${middle} ${given}`, gender };
}

export function isoDate(y: number, m: number, d: number): string {
  return `${y}-${String(m).padStart(2, '0')}-${String(Math.min(d, 28)).padStart(2, '0')}`;
}

export function randomDate(r: Rng, fromYear: number, toYear: number): string {
  return isoDate(between(r, fromYear, toYear), between(r, 1, 12), between(r, 1, 28));
}

/** A plausible Vietnamese mobile number, unique for a given index. */
export function phoneFor(index: number, prefix = '09'): string {
  return `${prefix}${String(10_000_000 + (index % 90_000_000)).padStart(8, '0')}`;
}

/** A member's party data consistent with an age: joined at 18–40, official a year later. */
export function partyDates(r: Rng, birthDate: string, today: string): { joinedOn: string; officialOn: string | null; standing: 'official' | 'probationary' } {
  const by = Number(birthDate.slice(0, 4));
  const ty = Number(today.slice(0, 4));
  const joinYear = Math.min(ty, by + between(r, 19, 40)); // at least 18 on the day they join
  if (joinYear >= ty) {
    return { joinedOn: isoDate(ty, 1, 15) < today ? isoDate(ty, 1, 15) : today, officialOn: null, standing: 'probationary' };
  }
  const joinedOn = randomDate(r, joinYear, joinYear);
  const officialOn = isoDate(joinYear + 1, Number(joinedOn.slice(5, 7)), Number(joinedOn.slice(8, 10)));
  if (officialOn > today) return { joinedOn, officialOn: null, standing: 'probationary' };
  return { joinedOn, officialOn, standing: 'official' };
}
