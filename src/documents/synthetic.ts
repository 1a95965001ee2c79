// Synthetic official documents for benchmarks, built from the seed texts: each has a plausible
// header (a number unique per issuer, a kind matching its symbol, an issuer, a date, sometimes
// HỎA TỐC or KHẨN), a subject, and a body of 2–4 KB assembled from the seeds' paragraphs with
// names and places mixed in, citing earlier synthetic documents by number. Written with the
// shared generator's bulk writer (COPY on both databases) into `documents`, `register_entries`,
// `register_counters` and `search_words`; the same seed gives the same library on every machine.
import fs from 'node:fs';
import path from 'node:path';
import type { Db, DbKind } from '../core/db/client.ts';
import { streamRng, withBulkWriter, type CopyValue } from '../core/synthetic/generator.ts';
import { between, pick, vietnameseName, type Rng } from '../core/synthetic/random.ts';
import { parseDocumentsWithText } from './parser/index.ts';
import type { DocumentKind } from './parser/types.ts';
import { issuerKey, numberKey, symbolOf } from './keys.ts';
import { SEEDS_DIR } from './demo.ts';

export type SyntheticDocumentsOptions = {
  count: number;
  /** Units whose registers receive the documents (the first takes a third of them). */
  unitIds: number[];
  seed?: number;
  onProgress?: (done: number, total: number) => void;
};

export type SyntheticDocuments = {
  count: number;
  ms: number;
  /** Some numbers of the generated documents, for exact-number queries. */
  sampleNumbers: string[];
  entries: number;
  words: number;
  bytes: { min: number; max: number; mean: number };
};

type Issuer = { name: string; code: string; party: boolean };
const PLACES = ['Thái Bình', 'Nam Định', 'Thái Nguyên', 'Bình Phước', 'Hà Nam', 'Ninh Bình', 'Hưng Yên', 'Hải Dương', 'Bắc Giang', 'Phú Thọ', 'Thanh Hóa', 'Nghệ An', 'Quảng Ninh', 'Lạng Sơn', 'Đồng Nai', 'Bình Dương', 'Tây Ninh', 'Long An', 'Đắk Lắk', 'Gia Lai'];
const ISSUERS: Issuer[] = [
  { name: 'Văn phòng Chính phủ', code: 'VPCP', party: false },
  { name: 'Bộ Y tế', code: 'BYT', party: false },
  { name: 'Ban Chỉ đạo Quốc gia phòng, chống dịch Covid-19', code: 'BCĐ', party: false },
  { name: 'Văn phòng Trung ương Đảng', code: 'VPTW', party: true },
  ...PLACES.flatMap((p) => [
    { name: `UBND tỉnh ${p}`, code: 'UBND', party: false },
    { name: `Tỉnh ủy ${p}`, code: 'TU', party: true },
    { name: `Sở Y tế tỉnh ${p}`, code: 'SYT', party: false },
  ]),
];
const STATE_KINDS: [DocumentKind, string][] = [['thong_bao', 'TB'], ['cong_van', ''], ['ke_hoach', 'KH'], ['quyet_dinh', 'QĐ'], ['cong_dien', 'CĐ'], ['chi_thi', 'CT'], ['bao_cao', 'BC'], ['huong_dan', 'HD']];
const PARTY_KINDS: [DocumentKind, string][] = [['cong_van', 'CV'], ['thong_bao', 'TB'], ['ke_hoach', 'KH'], ['nghi_quyet', 'NQ'], ['chi_thi', 'CT'], ['ket_luan', 'KL'], ['bao_cao', 'BC'], ['huong_dan', 'HD']];
const KIND_NAMES: Partial<Record<DocumentKind, string>> = { thong_bao: 'Thông báo', cong_van: 'Công văn', ke_hoach: 'Kế hoạch', quyet_dinh: 'Quyết định', cong_dien: 'Công điện', chi_thi: 'Chỉ thị', bao_cao: 'Báo cáo', huong_dan: 'Hướng dẫn', nghi_quyet: 'Nghị quyết', ket_luan: 'Kết luận' };
const TOPICS = [
  'tăng cường các biện pháp phòng, chống dịch Covid-19',
  'triển khai tiêm vắc xin phòng Covid-19 cho người dân',
  'tổ chức sinh hoạt chi bộ định kỳ tháng',
  'học tập, quán triệt Nghị quyết Đại hội Đảng bộ tỉnh',
  'cách ly tập trung đối với người nhập cảnh',
  'kiểm soát chặt chẽ người ra vào địa bàn',
  'chuẩn bị bầu cử đại biểu Quốc hội và Hội đồng nhân dân các cấp',
  'đẩy nhanh tiến độ giải ngân vốn đầu tư công',
  'phòng, chống thiên tai và tìm kiếm cứu nạn',
  'cải cách thủ tục hành chính, xây dựng chính quyền điện tử',
  'đánh giá, xếp loại chất lượng tổ chức đảng và đảng viên',
  'công tác tuyên truyền, vận động Nhân dân',
  'bảo đảm an ninh trật tự dịp Tết Nguyên đán',
  'hỗ trợ người lao động gặp khó khăn do đại dịch',
  'kết luận của Chủ tịch UBND tỉnh tại cuộc họp Ban Chỉ đạo',
  'thực hiện thông điệp 5K và khai báo y tế',
  'phát triển đảng viên mới ở thôn, tổ dân phố',
  'sơ kết công tác xây dựng Đảng 6 tháng đầu năm',
];

/** The seeds' paragraphs and subjects: the material every synthetic document is cut from. */
function seedMaterial(): { paragraphs: string[]; subjects: string[] } {
  const paragraphs: string[] = [];
  const subjects: string[] = [];
  for (const file of fs.readdirSync(SEEDS_DIR).filter((f) => f.endsWith('.txt')).sort()) {
    const text = fs.readFileSync(path.join(SEEDS_DIR, file), 'utf8');
    const found = parseDocumentsWithText(text);
    const bodies = found.length ? found.map((d) => d.body) : [text];
    for (const d of found) if (d.document.subject) subjects.push(d.document.subject);
    for (const body of bodies) {
      for (const p of body.split(/\n\s*\n/)) {
        const clean = p.replace(/\*\*/g, '').replace(/\s+/g, ' ').trim();
        if (clean.length >= 80) paragraphs.push(clean);
      }
    }
  }
  return { paragraphs, subjects };
}

const iso = (y: number, m: number, d: number) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
const vnDate = (isoDate: string) => `${Number(isoDate.slice(8, 10))}/${Number(isoDate.slice(5, 7))}/${isoDate.slice(0, 4)}`;
function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Cuts UTF-8 text to at most `max` bytes, at a space. */
function cutBytes(s: string, max: number): string {
  if (Buffer.byteLength(s) <= max) return s;
  let cut = Buffer.from(s).subarray(0, max).toString('utf8').replace(/\uFFFD+$/, '');
  const space = cut.lastIndexOf(' ');
  if (space > max / 2) cut = cut.slice(0, space);
  return `${cut}.`;
}

type Made = { id: number; unitId: number; number: string; key: string; kind: DocumentKind; issuer: Issuer; date: string };

function makeDocument(r: Rng, material: { paragraphs: string[]; subjects: string[] }, i: number, perIssuer: Map<string, number>, earlier: () => Made | null) {
  const issuer = pick(r, ISSUERS);
  const [kind, code] = pick(r, issuer.party ? PARTY_KINDS : STATE_KINDS);
  const year = between(r, 2019, 2025);
  const date = iso(year, between(r, 1, 12), between(r, 1, 28));
  const counterKey = `${issuer.name}|${code}`;
  const n = (perIssuer.get(counterKey) ?? 0) + 1;
  perIssuer.set(counterKey, n);
  const symbol = issuer.party ? `${code}/${issuer.code}` : code ? `${code}-${issuer.code}` : `${issuer.code}-VX`;
  const number = issuer.party ? `${n}-${symbol}` : `${n}/${symbol}`;
  const place = issuer.name.replace(/^(?:UBND tỉnh|Tỉnh ủy|Sở Y tế tỉnh) /, '');
  const subject = r() < 0.25 ? pick(r, material.subjects) : `Về ${pick(r, TOPICS)}${r() < 0.5 ? ` trên địa bàn tỉnh ${pick(r, PLACES)}` : ''}`;
  const cites = Array.from({ length: between(r, 0, 3) }, earlier).filter((c): c is Made => c != null);
  const target = between(r, 2048, 4096);
  const parts: string[] = [];
  if (cites.length) parts.push(`Thực hiện ${cites.map((c) => `${KIND_NAMES[c.kind] ?? 'Văn bản'} số ${c.number} ngày ${vnDate(c.date)} của ${c.issuer.name}`).join('; ')}, ${issuer.name} yêu cầu các cơ quan, đơn vị triển khai thực hiện các nội dung sau:`);
  let item = 1;
  while (Buffer.byteLength(parts.join('\n\n')) < target) {
    const p = pick(r, material.paragraphs);
    if (r() < 0.3) {
      const who = vietnameseName(r).fullName;
      parts.push(`${item++}. Giao đồng chí ${who} theo dõi, đôn đốc việc ${pick(r, TOPICS)} tại huyện ${pick(r, PLACES)}; ${p.charAt(0).toLowerCase()}${p.slice(1)}`);
    } else parts.push(/^\d/.test(p) ? p : r() < 0.4 ? `${item++}. ${p}` : p);
  }
  const body = cutBytes(parts.join('\n\n'), 4096);
  const signer = vietnameseName(r).fullName;
  const header = `${issuer.name.toUpperCase()}\nSố: ${number}\n${place}, ngày ${Number(date.slice(8, 10))} tháng ${Number(date.slice(5, 7))} năm ${year}\n${(KIND_NAMES[kind] ?? 'VĂN BẢN').toUpperCase()}\n${subject}`;
  const text = `${header}\n\n${body}\n\nNơi nhận:\n- Như trên;\n- Lưu: VT.\n\n${signer}`;
  const u = r();
  const urgency = u < 0.04 ? 'hoa_toc' : u < 0.08 ? 'thuong_khan' : u < 0.18 ? 'khan' : null;
  return { number, kind, issuer, date, place, subject, body, text, signer, urgency, secrecy: r() < 0.005 ? 'mat' : null, cites, i };
}

const DOC_COLUMNS = ['id', 'unit_id', 'direction', 'number', 'number_key', 'symbol', 'kind', 'issuer', 'issuer_key', 'place', 'date', 'urgency', 'secrecy', 'subject', 'signer', 'recipients', 'copies_to', 'text', 'body', 'cited_keys'] as const;
const ENTRY_COLUMNS = ['unit_id', 'document_id', 'direction', 'year', 'seq', 'entry_date', 'counterpart', 'forwarded_to', 'handled_at'] as const;

/** Generates `count` documents registered in `unitIds` (see the top of this file). `db` must come from openDatabase. */
export async function generateDocuments(db: Db, kind: DbKind, opts: SyntheticDocumentsOptions): Promise<SyntheticDocuments> {
  const started = Date.now();
  const seed = opts.seed ?? 2021;
  const r = streamRng(seed, 'documents');
  const material = seedMaterial();
  const perIssuer = new Map<string, number>();
  const counters = new Map<string, number>();
  const made: Made[] = [];
  const sizes: number[] = [];
  let entries = 0;
  const result = await withBulkWriter(db, kind, async (w) => {
    const ids = await w.reserveIds('documents', opts.count);
    // Registers that already hold documents go on from their last number.
    for (const row of await w.query<{ unit_id: number; year: number; last_number: number }>(`select unit_id, year, last_number from register_counters where direction = 'incoming' and unit_id = any($1::int[])`, [opts.unitIds])) {
      counters.set(`${row.unit_id}|${row.year}`, Number(row.last_number));
    }
    const docs: CopyValue[][] = [];
    const regs: CopyValue[][] = [];
    const flush = async () => {
      await w.copy('documents', DOC_COLUMNS, docs.splice(0));
      entries += await w.copy('register_entries', ENTRY_COLUMNS, regs.splice(0));
      opts.onProgress?.(made.length, opts.count);
    };
    for (let i = 0; i < opts.count; i++) {
      // Citations point at one of the last 2,000 documents (a directive cites recent ones).
      const recent = () => (made.length ? made[made.length - 1 - Math.floor(r() * Math.min(2000, made.length))]! : null);
      const d = makeDocument(r, material, i, perIssuer, recent);
      const unitId = i % 3 === 0 ? opts.unitIds[0]! : opts.unitIds[Math.floor(r() * opts.unitIds.length)]!;
      const id = ids[i]!;
      const key = numberKey(d.number)!;
      made.push({ id, unitId, number: d.number, key, kind: d.kind, issuer: d.issuer, date: d.date });
      sizes.push(Buffer.byteLength(d.body));
      const cited = [...new Set(d.cites.map((c) => c.key))].join(' ');
      docs.push([id, unitId, 'incoming', d.number, key, symbolOf(d.number), d.kind, d.issuer.name, issuerKey(d.issuer.name, null), d.place, d.date, d.urgency, d.secrecy, d.subject, d.signer, [], ['Như trên', 'Lưu: VT'], d.text, d.body, cited]);
      const entryDate = addDays(d.date, between(r, 0, 6));
      const year = Number(entryDate.slice(0, 4));
      const ck = `${unitId}|${year}`;
      const seq = (counters.get(ck) ?? 0) + 1;
      counters.set(ck, seq);
      regs.push([unitId, id, 'incoming', year, seq, entryDate, d.issuer.name, r() < 0.5 ? 'Văn phòng' : null, r() < 0.8 ? new Date(`${entryDate}T09:00:00Z`) : null]);
      if (docs.length >= 2000) await flush();
    }
    await flush();
    const list = [...counters];
    await w.query(
      `insert into register_counters (unit_id, direction, year, last_number)
       select u, 'incoming', y, n from unnest($1::int[], $2::int[], $3::int[]) as t(u, y, n)
       on conflict (unit_id, direction, year) do update set last_number = excluded.last_number`,
      [list.map(([k]) => Number(k.split('|')[0])), list.map(([k]) => Number(k.split('|')[1])), list.map(([, n]) => n)],
    );
    const [words] = await w.query<{ n: number | string }>(
      `with ins as (insert into search_words (word) select word from ts_stat('select search from documents') where word ~ '^[a-z]{2,24}$' on conflict (word) do nothing returning 1) select count(*) as n from ins`,
    );
    return { words: Number(words?.n ?? 0) };
  });
  await withBulkWriter(db, kind, (w) => w.query('analyze documents, register_entries, search_words'));
  const step = Math.max(1, Math.floor(made.length / 20));
  return {
    count: made.length,
    ms: Date.now() - started,
    sampleNumbers: made.filter((_, i) => i % step === 0).map((m) => m.number),
    entries,
    words: result.words,
    bytes: { min: Math.min(...sizes), max: Math.max(...sizes), mean: Math.round(sizes.reduce((s, x) => s + x, 0) / Math.max(1, sizes.length)) },
  };
}
