// The one deterministic synthetic-data generator. `generateProvince` writes a whole synthetic
// province — party tree (province → districts → communes → cells), people, member records,
// accounts with no password (the login is disabled until someone sets one), a secretary role
// per cell — into an existing database, next to whatever is already there. Same seed, same data.
//
// It is built for size (150,000 members): the plan is made in memory from seeded random streams
// (names and dates from ./random.ts), ids are reserved from the tables' own sequences so paths
// and foreign keys are computed in the app, and rows go in through COPY — pg-copy-streams on
// PostgreSQL, COPY … FROM '/dev/blob' on PGlite — in one transaction: all of it or nothing.
//
// Later generators (documents, meetings, reports) build on it: `withBulkWriter` gives them the
// same COPY path on both databases, `streamSeed` independent random streams that leave the
// province untouched, and the returned ids say what was made.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import pg from 'pg';
import pgCopy from 'pg-copy-streams';
import { sql } from 'drizzle-orm';
import type { Db, DbKind } from '../db/client.ts';
import { conflict, invalid } from '../errors.ts';
import { foldVietnamese, nameSortKey } from '../text/vietnamese.ts';
import type { UnitKind } from '../../org/schema.ts';
import type { PhoneKind } from '../../people/schema.ts';
import { between, partyDates, phoneFor, pick, prng, randomDate, vietnameseName, type Rng } from './random.ts';

// ---------------------------------------------------------------------------------------------
// Bulk writing on both databases

export type CopyValue = string | number | boolean | Date | null | undefined | Record<string, unknown> | unknown[];

export type BulkWriter = {
  kind: DbKind;
  /** A plain parameterised query inside the writer's transaction. */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** The next `n` values of the sequence behind `table.column` (a serial), ascending. */
  reserveIds(table: string, n: number, column?: string): Promise<number[]>;
  /** Writes rows with COPY (text format) in chunks; `onChunk` gets the number of rows just written. Returns the row count. */
  copy(table: string, columns: readonly string[], rows: Iterable<readonly CopyValue[]>, onChunk?: (rows: number) => void): Promise<number>;
};

const COPY_CHUNK_ROWS = 5_000;
const IDENT = /^[a-z_][a-z0-9_]*$/;

function ident(name: string): string {
  if (!IDENT.test(name)) throw new Error(`not a plain SQL identifier: ${name}`);
  return `"${name}"`;
}

const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One field in PostgreSQL's COPY text format. */
export function copyField(v: CopyValue): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`cannot COPY ${v}`);
    return String(v);
  }
  const s = v instanceof Date ? v.toISOString() : typeof v === 'string' ? v : JSON.stringify(v);
  return s.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]!);
}

/** Rows grouped into COPY text chunks of at most COPY_CHUNK_ROWS lines. */
function* copyChunks(rows: Iterable<readonly CopyValue[]>): Generator<{ text: string; rows: number }> {
  let lines: string[] = [];
  for (const row of rows) {
    lines.push(row.map(copyField).join('\t'));
    if (lines.length >= COPY_CHUNK_ROWS) {
      yield { text: lines.join('\n') + '\n', rows: lines.length };
      lines = [];
    }
  }
  if (lines.length) yield { text: lines.join('\n') + '\n', rows: lines.length };
}

const copyStatement = (table: string, columns: readonly string[], source: string) => `COPY ${ident(table)} (${columns.map(ident).join(', ')}) FROM ${source}`;

function reserveSql(table: string, column: string): string {
  ident(table);
  ident(column);
  return `select nextval(pg_get_serial_sequence('${table}', '${column}'))::bigint as id from generate_series(1, $1::int)`;
}

function pgWriter(conn: pg.PoolClient | pg.Client): BulkWriter {
  const query = async <T>(text: string, params: unknown[] = []) => (await conn.query(text, params)).rows as T[];
  return {
    kind: 'postgres',
    query,
    async reserveIds(table, n, column = 'id') {
      if (n <= 0) return [];
      const rows = await query<{ id: string | number }>(reserveSql(table, column), [n]);
      return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
    },
    async copy(table, columns, rows, onChunk) {
      let total = 0;
      const stream = conn.query(pgCopy.from(copyStatement(table, columns, 'STDIN')));
      const source = Readable.from(
        (function* () {
          for (const chunk of copyChunks(rows)) {
            yield chunk.text;
            total += chunk.rows;
            onChunk?.(chunk.rows);
          }
        })(),
      );
      await pipeline(source, stream);
      return total;
    },
  };
}

function pgliteWriter(tx: Transaction): BulkWriter {
  const query = async <T>(text: string, params: unknown[] = []) => (await tx.query<T>(text, params)).rows;
  return {
    kind: 'pglite',
    query,
    async reserveIds(table, n, column = 'id') {
      if (n <= 0) return [];
      const rows = await query<{ id: string | number | bigint }>(reserveSql(table, column), [n]);
      return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
    },
    async copy(table, columns, rows, onChunk) {
      let total = 0;
      for (const chunk of copyChunks(rows)) {
        await tx.query(copyStatement(table, columns, `'/dev/blob'`), [], { blob: new Blob([chunk.text]) });
        total += chunk.rows;
        onChunk?.(chunk.rows);
      }
      return total;
    },
  };
}

/**
 * Runs `fn` with a bulk writer in one transaction (committed when `fn` resolves, rolled back when
 * it throws). `db` must be a database handle from openDatabase (not a transaction handle): the
 * writer needs the driver underneath — a connection of the pg pool, or PGlite itself.
 */
export async function withBulkWriter<T>(db: Db, kind: DbKind, fn: (w: BulkWriter) => Promise<T>): Promise<T> {
  const client = (db as unknown as { $client?: unknown }).$client;
  if (kind === 'postgres') {
    let conn: pg.PoolClient | pg.Client;
    let release = () => {};
    if (client instanceof pg.Pool) {
      const c = await client.connect();
      conn = c;
      release = () => c.release();
    } else if (client instanceof pg.Client) conn = client;
    else throw new Error('withBulkWriter: expected a PostgreSQL database handle from openDatabase()');
    try {
      await conn.query('begin');
      const result = await fn(pgWriter(conn));
      await conn.query('commit');
      return result;
    } catch (e) {
      await conn.query('rollback').catch(() => {});
      throw e;
    } finally {
      release();
    }
  }
  const lite = client as PGlite | undefined;
  if (!lite || typeof lite.transaction !== 'function') throw new Error('withBulkWriter: expected a PGlite database handle from openDatabase()');
  return lite.transaction((tx) => fn(pgliteWriter(tx)));
}

// ---------------------------------------------------------------------------------------------
// Seeds and shapes

/** An independent random stream for `label` under `seed`: extensions draw from their own stream so the base data never shifts. */
export function streamSeed(seed: number, label: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (const ch of `${seed}:${label}`) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export const streamRng = (seed: number, label: string): Rng => prng(streamSeed(seed, label));

/**
 * Splits `total` into parts proportional to `weights`, each at least `min` (largest remainder,
 * ties to the earlier part): the same input always gives the same parts.
 */
export function apportion(total: number, weights: readonly number[], min = 1): number[] {
  const k = weights.length;
  if (k === 0) return [];
  const rest = total - min * k;
  if (rest < 0) throw new Error(`apportion: ${total} cannot give ${k} parts at least ${min} each`);
  const sum = weights.reduce((s, w) => s + w, 0);
  const raw = weights.map((w) => (sum > 0 ? (rest * w) / sum : rest / k));
  const out = raw.map(Math.floor);
  let left = rest - out.reduce((s, x) => s + x, 0);
  const order = raw.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let j = 0; left > 0; j = (j + 1) % k, left--) out[order[j]![1]]!++;
  return out.map((x) => x + min);
}

export const DEFAULT_SEED = 1;
/** Thái Bình: about 150,000 members in about 4,000 cells. */
export const MEMBERS_PER_CELL = 37;
export const CELLS_PER_COMMUNE = 16.5;
export const COMMUNES_PER_DISTRICT = 30;
/** Card numbers and phones are numbered per province; this is the room there is. */
export const MAX_MEMBERS = 800_000;
/** The day the data describes (ages, who is still probationary): fixed, so the data does not depend on the day it is made. */
export const DEFAULT_AS_OF = '2025-06-30';

export const defaultCells = (members: number) => Math.max(1, Math.round(members / MEMBERS_PER_CELL));
export const provinceName = (seed: number) => `Tỉnh tổng hợp (seed ${seed})`;
export const provinceCode = (seed: number) => `SYN${seed}`;
/** Two-digit number in card numbers and phones, so provinces of different seeds stay apart. */
export const provinceNumber = (seed: number) => 10 + (seed % 90);

export type ShapeOptions = { members: number; cells?: number | undefined; seed?: number | undefined };

/** Checks the options; throws a DomainError with a Vietnamese message. */
export function checkShape(opts: ShapeOptions): { members: number; cells: number; seed: number } {
  const { members } = opts;
  if (!Number.isSafeInteger(members) || members < 1) throw invalid('Số đảng viên phải là số nguyên dương.');
  if (members > MAX_MEMBERS) throw invalid(`Số đảng viên tối đa là ${MAX_MEMBERS.toLocaleString('vi-VN')}.`);
  const cells = opts.cells ?? defaultCells(members);
  if (!Number.isSafeInteger(cells) || cells < 1) throw invalid('Số chi bộ phải là số nguyên dương.');
  if (cells > members) throw invalid(`Số chi bộ (${cells}) không được lớn hơn số đảng viên (${members}): mỗi chi bộ cần ít nhất một đảng viên.`);
  const seed = opts.seed ?? DEFAULT_SEED;
  if (!Number.isSafeInteger(seed) || seed < 0 || seed > 2_147_483_647) throw invalid('Seed phải là số nguyên từ 0 đến 2147483647.');
  return { members, cells, seed };
}

// ---------------------------------------------------------------------------------------------
// The plan: everything decided in memory, before any id exists

const PLACE_FIRST = ['An', 'Bình', 'Đông', 'Tây', 'Nam', 'Bắc', 'Vũ', 'Kiến', 'Tiền', 'Quỳnh', 'Hưng', 'Thái', 'Minh', 'Hòa', 'Tân', 'Phú', 'Thanh', 'Hồng', 'Quang', 'Đức', 'Thụy', 'Trà', 'Hải', 'Nguyên', 'Phúc', 'Xuân', 'Thượng', 'Đình', 'Mỹ', 'Song', 'Vĩnh', 'Lạc', 'Liên', 'Cộng', 'Hiệp', 'Duy', 'Trung', 'Kim', 'Dũng', 'Việt'];
const PLACE_SECOND = ['Hưng', 'Xương', 'Thư', 'Hải', 'Phụ', 'Hà', 'Thụy', 'Lộc', 'Hòa', 'Phong', 'Thịnh', 'An', 'Bình', 'Lâm', 'Sơn', 'Tiến', 'Thành', 'Giang', 'Khê', 'Ninh', 'Trung', 'Đồng', 'Châu', 'Long', 'Vinh', 'Tân', 'Dương', 'Lạc', 'Mỹ', 'Nghĩa', 'Hội', 'Phương', 'Quý', 'Đạo', 'Tràng', 'Xá', 'Hợp', 'Lễ', 'Nhuận', 'Cầu'];

function placeName(r: Rng, taken: Set<string>): string {
  for (let attempt = 0; attempt < 40; attempt++) {
    const name = `${pick(r, PLACE_FIRST)} ${pick(r, PLACE_SECOND)}`;
    if (!taken.has(name) && name.split(' ')[0] !== name.split(' ')[1]) {
      taken.add(name);
      return name;
    }
  }
  for (let k = 2; ; k++) {
    const name = `${pick(r, PLACE_FIRST)} ${pick(r, PLACE_SECOND)} ${k}`;
    if (!taken.has(name)) {
      taken.add(name);
      return name;
    }
  }
}

export type PlannedUnit = { parent: number | null; kind: UnitKind; name: string; shortName: string | null; code: string; depth: number };
export type PlannedMember = {
  cell: number;
  fullName: string;
  gender: 'male' | 'female';
  birthDate: string;
  phone: string | null;
  phoneKind: PhoneKind;
  cardNumber: string | null;
  position: string | null;
  standing: 'official' | 'probationary';
  joinedOn: string;
  officialOn: string | null;
  exempt: boolean;
  secretary: boolean;
};
export type ProvincePlan = {
  seed: number;
  name: string;
  asOf: string;
  /** Units in creation order: the province first, every parent before its children. */
  units: PlannedUnit[];
  districts: number[];
  communes: number[];
  /** Indexes into `units`, with the members of each cell as a range of `members`. */
  cells: { unit: number; first: number; count: number }[];
  members: PlannedMember[];
};

export type PlanOptions = ShapeOptions & { name?: string | undefined; asOf?: string | undefined };

/** The whole province as data, without touching a database. Same options, same plan. */
export function planProvince(opts: PlanOptions): ProvincePlan {
  const { members: memberCount, cells: cellCount, seed } = checkShape(opts);
  const asOf = opts.asOf ?? DEFAULT_AS_OF;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw invalid('Ngày mốc của dữ liệu phải có dạng YYYY-MM-DD.');
  const name = opts.name ?? provinceName(seed);
  const code = provinceCode(seed);
  const rt = streamRng(seed, 'tree');

  const communeCount = Math.min(cellCount, Math.max(1, Math.round(cellCount / CELLS_PER_COMMUNE)));
  const districtCount = Math.min(communeCount, Math.max(Math.round(communeCount / COMMUNES_PER_DISTRICT), 3));
  const communesPerDistrict = apportion(communeCount, Array.from({ length: districtCount }, () => 0.6 + rt() * 0.8));
  const cellsPerCommune = apportion(cellCount, Array.from({ length: communeCount }, () => 0.5 + rt()));
  // Cells differ a lot: a village cell of a dozen, a ward's residential cell of sixty.
  const minPerCell = Math.min(3, Math.floor(memberCount / cellCount));
  const membersPerCell = apportion(memberCount, Array.from({ length: cellCount }, () => (rt() < 0.1 ? 1.6 + rt() : 0.35 + rt() * 1.1)), minPerCell);

  const units: PlannedUnit[] = [{ parent: null, kind: 'party_province', name, shortName: null, code, depth: 0 }];
  const districts: number[] = [];
  const communes: number[] = [];
  const cellUnits: number[] = [];
  const districtNames = new Set<string>();
  let communeIndex = 0;
  for (let d = 0; d < districtCount; d++) {
    const city = d === 0;
    const dName = placeName(rt, districtNames);
    districts.push(units.length);
    const districtUnit = units.length;
    units.push({ parent: 0, kind: 'party_district', name: `${city ? 'Thành ủy' : 'Huyện ủy'} ${dName}`, shortName: null, code: `${code}-H${d + 1}`, depth: 1 });
    const communeNames = new Set<string>();
    const n = communesPerDistrict[d]!;
    for (let c = 0; c < n; c++, communeIndex++) {
      const type = city ? (rt() < 0.75 ? 'phường' : 'xã') : c === 0 ? 'thị trấn' : 'xã';
      if (type === 'thị trấn') communeNames.add(dName);
      const cName = type === 'thị trấn' ? dName : placeName(rt, communeNames);
      communes.push(units.length);
      const communeUnit = units.length;
      units.push({ parent: districtUnit, kind: 'party_grassroots', name: `Đảng ủy ${type} ${cName}`, shortName: null, code: `${code}-H${d + 1}-X${c + 1}`, depth: 2 });
      const villages = new Set<string>();
      const cells = cellsPerCommune[communeIndex]!;
      for (let k = 0; k < cells; k++) {
        let cellName: string;
        const office = cells >= 4; // larger communes have a cell of the commune's offices
        const number = office ? k : k + 1;
        if (office && k === 0) cellName = `Chi bộ Cơ quan ${type} ${cName}`;
        else if (type === 'xã') cellName = `Chi bộ thôn ${placeName(rt, villages)}`;
        else if (type === 'phường') cellName = `Chi bộ tổ dân phố số ${number}`;
        else cellName = `Chi bộ khu ${number}`;
        cellUnits.push(units.length);
        units.push({ parent: communeUnit, kind: 'cell', name: cellName, shortName: null, code: `${code}-H${d + 1}-X${c + 1}-C${k + 1}`, depth: 3 });
      }
    }
  }

  const rp = streamRng(seed, 'people');
  const pp = provinceNumber(seed);
  const asOfYear = Number(asOf.slice(0, 4));
  const members: PlannedMember[] = [];
  const cells: ProvincePlan['cells'] = [];
  let cardSerial = 200_000; // demo cards use serials 100001…; synthetic ones start higher
  for (let k = 0; k < cellCount; k++) {
    const size = membersPerCell[k]!;
    cells.push({ unit: cellUnits[k]!, first: members.length, count: size });
    for (let j = 0; j < size; j++) {
      const index = members.length;
      const secretary = j === 0;
      const deputy = j === 1 && size >= 10;
      const elderly = !secretary && !deputy && rp() < 0.22;
      const person = vietnameseName(rp);
      const birthDate = elderly ? randomDate(rp, 1935, 1955) : randomDate(rp, 1960, asOfYear - 20);
      let dates = partyDates(rp, birthDate, asOf);
      // Young members drawn as joining "this year" would make a fifth of the province
      // probationary; draw again so that about one in twenty is (as in real party organisations).
      for (let t = 0; t < 4 && dates.standing === 'probationary' && rp() < 0.9; t++) dates = partyDates(rp, birthDate, asOf);
      const leader = secretary || deputy;
      const noPhone = !leader && rp() < (elderly ? 0.4 : 0.04);
      const phoneKind: PhoneKind = noPhone ? 'none' : !leader && rp() < (elderly ? 0.6 : 0.08) ? 'basic' : 'smartphone';
      members.push({
        cell: cellUnits[k]!,
        fullName: person.fullName,
        gender: person.gender,
        birthDate,
        phone: noPhone ? null : phoneFor((pp - 10) * 1_000_000 + index, '03'),
        phoneKind,
        cardNumber: dates.standing === 'official' ? `${pp}${cardSerial++}` : null,
        position: secretary ? 'Bí thư chi bộ' : deputy ? 'Phó bí thư chi bộ' : null,
        standing: dates.standing,
        joinedOn: dates.joinedOn,
        officialOn: dates.officialOn,
        exempt: elderly && between(rp, 1, 100) <= 35,
        secretary,
      });
    }
  }
  return { seed, name, asOf, units, districts, communes, cells, members };
}

// ---------------------------------------------------------------------------------------------
// Writing the plan

export type ProvinceCounts = { units: number; people: number; members: number; accounts: number; roles: number; events: number };
export type ProvincePhase = 'plan' | 'units' | 'people' | 'members' | 'accounts' | 'roles' | 'events' | 'analyze';
export type ProvinceProgress = { phase: ProvincePhase; done: number; total: number };

export type SyntheticUnit = { id: number; parentId: number | null; path: string; name: string; kind: UnitKind };
export type SyntheticCell = SyntheticUnit & { members: { first: number; count: number } };

export type SyntheticProvince = {
  seed: number;
  asOf: string;
  root: SyntheticUnit;
  districts: SyntheticUnit[];
  communes: SyntheticUnit[];
  /** Each cell's members are `personIds.slice(first, first + count)`; its secretary is the first. */
  cells: SyntheticCell[];
  personIds: number[];
  /** `accountIds[i]` is the account of `personIds[i]` (no password: the login stays disabled until one is set). */
  accountIds: number[];
  secretaries: { cellId: number; personId: number; accountId: number }[];
  counts: ProvinceCounts;
  ms: number;
};

export type ProvinceOptions = PlanOptions & {
  onProgress?: (p: ProvinceProgress) => void;
  /** Refresh the planner's statistics afterwards (default true): a bulk load leaves them stale. */
  analyze?: boolean;
};

const UNIT_COLUMNS = ['id', 'tree', 'kind', 'parent_id', 'path', 'depth', 'name', 'short_name', 'code', 'name_fold', 'status'] as const;
const PEOPLE_COLUMNS = ['id', 'full_name', 'sort_key', 'name_fold', 'birth_date', 'gender', 'phone', 'email', 'phone_kind'] as const;
const MEMBER_COLUMNS = ['person_id', 'card_number', 'unit_id', 'position', 'standing', 'joined_on', 'official_on', 'exempt', 'status', 'status_since'] as const;
const ACCOUNT_COLUMNS = ['id', 'person_id', 'username', 'password_hash', 'disabled', 'must_change_password', 'locale'] as const;
const ROLE_COLUMNS = ['account_id', 'role', 'unit_id'] as const;
const EVENT_COLUMNS = ['person_id', 'kind', 'to_unit_id', 'effective_on', 'note'] as const;

/**
 * Generates a synthetic province into `db` (see the top of this file). Refuses, writing nothing,
 * when the database already holds the province of this seed (or one whose card numbers or
 * phones would collide). `db` must be a handle from openDatabase; see withBulkWriter.
 */
export async function generateProvince(db: Db, kind: DbKind, opts: ProvinceOptions): Promise<SyntheticProvince> {
  const started = Date.now();
  const plan = planProvince(opts);
  const n = plan.members.length;
  const counts: ProvinceCounts = { units: plan.units.length, people: n, members: n, accounts: n, roles: plan.cells.length, events: n };
  const total = counts.units + counts.people + counts.members + counts.accounts + counts.roles + counts.events;
  let done = 0;
  const report = (phase: ProvincePhase) => opts.onProgress?.({ phase, done, total });
  const step = (phase: ProvincePhase) => (rows: number) => {
    done += rows;
    report(phase);
  };
  report('plan');

  const result = await withBulkWriter(db, kind, async (w) => {
    await refuseCollisions(w, plan);
    const unitIds = await w.reserveIds('units', plan.units.length);
    const personIds = await w.reserveIds('people', n);
    const accountIds = await w.reserveIds('accounts', n);

    const paths: string[] = [];
    const made: SyntheticUnit[] = plan.units.map((u, i) => {
      const parentPath = u.parent === null ? '/' : paths[u.parent]!;
      paths[i] = `${parentPath}${unitIds[i]}/`;
      return { id: unitIds[i]!, parentId: u.parent === null ? null : unitIds[u.parent]!, path: paths[i]!, name: u.name, kind: u.kind };
    });
    await w.copy(
      'units',
      UNIT_COLUMNS,
      plan.units.map((u, i) => [made[i]!.id, 'party', u.kind, made[i]!.parentId, made[i]!.path, u.depth, u.name, u.shortName, u.code, foldVietnamese(u.name), 'active']),
      step('units'),
    );

    // Names repeat a lot: compute each one's sort key and fold once.
    const keys = new Map<string, [string, string]>();
    const keyOf = (fullName: string) => {
      let k = keys.get(fullName);
      if (!k) keys.set(fullName, (k = [nameSortKey(fullName), foldVietnamese(fullName)]));
      return k;
    };
    await w.copy(
      'people',
      PEOPLE_COLUMNS,
      (function* () {
        for (let i = 0; i < n; i++) {
          const m = plan.members[i]!;
          const [sortKey, fold] = keyOf(m.fullName);
          yield [personIds[i]!, m.fullName, sortKey, fold, m.birthDate, m.gender, m.phone, null, m.phoneKind];
        }
      })(),
      step('people'),
    );
    await w.copy(
      'members',
      MEMBER_COLUMNS,
      (function* () {
        for (let i = 0; i < n; i++) {
          const m = plan.members[i]!;
          yield [personIds[i]!, m.cardNumber, unitIds[m.cell]!, m.position, m.standing, m.joinedOn, m.officialOn, m.exempt, 'active', m.joinedOn];
        }
      })(),
      step('members'),
    );
    await w.copy(
      'accounts',
      ACCOUNT_COLUMNS,
      (function* () {
        for (let i = 0; i < n; i++) yield [accountIds[i]!, personIds[i]!, null, null, false, true, 'vi'];
      })(),
      step('accounts'),
    );
    const secretaries = plan.cells.map((c) => ({ cellId: unitIds[c.unit]!, personId: personIds[c.first]!, accountId: accountIds[c.first]! }));
    await w.copy('role_assignments', ROLE_COLUMNS, secretaries.map((s) => [s.accountId, 'cell_secretary', s.cellId]), step('roles'));
    const note = `Dữ liệu tổng hợp (seed ${plan.seed})`;
    await w.copy(
      'member_events',
      EVENT_COLUMNS,
      (function* () {
        for (let i = 0; i < n; i++) yield [personIds[i]!, 'imported', unitIds[plan.members[i]!.cell]!, plan.asOf, note];
      })(),
      step('events'),
    );
    // One audit entry for the whole load (the act, not 600,000 rows of it).
    await w.query(`insert into audit_log (action, entity_type, entity_id, unit_id, after) values ('member.import', 'unit', $1, $2, $3::jsonb)`, [
      String(unitIds[0]),
      unitIds[0],
      JSON.stringify({ synthetic: true, seed: plan.seed, name: plan.name, asOf: plan.asOf, counts }),
    ]);

    const unitAt = (i: number) => made[i]!;
    return {
      seed: plan.seed,
      asOf: plan.asOf,
      root: unitAt(0),
      districts: plan.districts.map(unitAt),
      communes: plan.communes.map(unitAt),
      cells: plan.cells.map((c) => ({ ...unitAt(c.unit), members: { first: c.first, count: c.count } })),
      personIds,
      accountIds,
      secretaries,
      counts,
    };
  });
  if (opts.analyze !== false) {
    report('analyze');
    await db.execute(sql`analyze units, people, members, accounts, role_assignments, member_events`);
  }
  return { ...result, ms: Date.now() - started };
}

async function refuseCollisions(w: BulkWriter, plan: ProvincePlan): Promise<void> {
  const code = plan.units[0]!.code;
  const [same] = await w.query<{ name: string }>(`select name from units where code = $1`, [code]);
  if (same) throw conflict(`Cơ sở dữ liệu đã có tỉnh tổng hợp của seed ${plan.seed} ("${same.name}", mã ${code}). Hãy chọn seed khác (--seed).`);
  const cards = plan.members.map((m) => m.cardNumber).filter((c): c is string => c !== null);
  if (cards.length) {
    const [dup] = await w.query<{ card_number: string }>(`select card_number from members where card_number between $1 and $2 and length(card_number) = $3 limit 1`, [
      cards[0],
      cards[cards.length - 1],
      cards[0]!.length,
    ]);
    if (dup) throw conflict(`Số thẻ đảng viên ${dup.card_number} đã có: một tỉnh tổng hợp khác dùng cùng dải số thẻ (mã ${provinceNumber(plan.seed)}). Hãy chọn seed khác (--seed).`);
  }
  const phones = plan.members.map((m) => m.phone).filter((p): p is string => p !== null);
  if (phones.length) {
    const [dup] = await w.query<{ phone: string }>(`select phone from people where phone between $1 and $2 limit 1`, [phones[0], phones[phones.length - 1]]);
    if (dup) throw conflict(`Số điện thoại ${dup.phone} đã có: một tỉnh tổng hợp khác dùng cùng dải số. Hãy chọn seed khác (--seed).`);
  }
}
