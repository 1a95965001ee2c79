// Logical backup and restore, the same on PGlite and PostgreSQL and across them (an embedded
// pilot moves to a production PostgreSQL this way).
//
// The file is gzip'd JSON lines:
//   1. a header: format and version, the migrations applied (drizzle's journal), when, from which
//      database, every table with its columns and row count, and the sequences' positions;
//   2. for each table, in foreign-key order, a line {"table": name} then one JSON array per row
//      holding every column as PostgreSQL's own text form (or null) — so bytea, jsonb, timestamps
//      with time zone, dates, bigints and numerics come back exactly, whatever the driver;
//   3. a last line {"end": true, "rows": total}, so a cut-off file is recognised.
// Rows are streamed through a cursor when writing and in batches when reading: a province of
// 150,000 members is never held in memory at once.
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import zlib from 'node:zlib';
import { sql } from 'drizzle-orm';
import type { Db, DbKind } from '../db/client.ts';
import { queryRows } from '../db/client.ts';
import { audit, SYSTEM_CONTEXT, type ActingContext } from '../audit/audit.ts';
import { DomainError, conflict, invalid } from '../errors.ts';
import { appliedMigrations, ident, readCatalog, type Catalog, type TableInfo } from './catalog.ts';

export const BACKUP_FORMAT = 'sotay-backup';
export const BACKUP_VERSION = 1;

export type BackupTable = { name: string; columns: { name: string; type: string }[]; rows: number };
export type BackupHeader = {
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  source: DbKind;
  migrations: { count: number; last: string | null; hashes: string[] };
  tables: BackupTable[];
  sequences: { table: string; column: string; lastValue: string; isCalled: boolean }[];
};

export type BackupResult = { header: BackupHeader; rows: number; bytes: number; ms: number };
export type RestoreResult = { header: BackupHeader; rows: number; ms: number };
type Progress = { onTable?: (table: string, rows: number) => void };

const FETCH_ROWS = 2000;
const BATCH_ROWS = 2000;
const BATCH_BYTES = 4 * 1024 * 1024;

/** Text forms that read back the same on every server, whatever its settings. */
async function fixTextForms(tx: Db): Promise<void> {
  await tx.execute(sql`select set_config('TimeZone', 'UTC', true), set_config('DateStyle', 'ISO, YMD', true), set_config('IntervalStyle', 'postgres', true),
                              set_config('bytea_output', 'hex', true), set_config('extra_float_digits', '3', true)`);
}

const dataColumns = (t: TableInfo) => t.columns.filter((c) => !c.generated);

/** Gives the finished file its name, never replacing a file that took the name meanwhile. */
function publish(partial: string, file: string): void {
  const taken = () => conflict(`Tệp ${file} đã có. Hãy chọn một tên khác: bản sao lưu cũ không bị ghi đè.`);
  try {
    fs.linkSync(partial, file);
    fs.rmSync(partial, { force: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw taken();
    // Some file systems (a USB stick, a network share) have no hard links: check, then rename.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw e;
    if (fs.existsSync(file)) throw taken();
    fs.renameSync(partial, file);
  }
}

/** Writes a backup of the whole database to `file` (through a temporary file in the same folder, named at the end). */
export async function backupDatabase(database: { db: Db; kind: DbKind }, file: string, opts: Progress = {}): Promise<BackupResult> {
  const started = Date.now();
  if (fs.existsSync(file)) throw conflict(`Tệp ${file} đã có. Hãy chọn một tên khác: bản sao lưu cũ không bị ghi đè.`);
  const dir = path.dirname(path.resolve(file));
  if (!fs.existsSync(dir)) throw invalid(`Không có thư mục ${dir}.`);
  const partial = `${file}.partial-${process.pid}`;
  let header: BackupHeader | undefined;
  let total = 0;
  try {
    await database.db.transaction(
      async (tx) => {
        await fixTextForms(tx);
        const hashes = await appliedMigrations(tx);
        if (!hashes) throw invalid('Cơ sở dữ liệu chưa được tạo cấu trúc (chưa chạy "sotay migrate"): không có gì để sao lưu.');
        const catalog = await readCatalog(tx);
        const tables: BackupTable[] = [];
        for (const t of catalog.tables) {
          const [c] = await queryRows<{ n: string }>(tx, sql.raw(`select count(*)::text as n from ${ident(t.name)}`));
          tables.push({ name: t.name, columns: dataColumns(t).map((c) => ({ name: c.name, type: c.type })), rows: Number(c!.n) });
        }
        const sequences: BackupHeader['sequences'] = [];
        for (const s of catalog.sequences) {
          const [v] = await queryRows<{ last: string; called: boolean }>(tx, sql.raw(`select last_value::text as last, is_called as called from ${s.sequence}`));
          sequences.push({ table: s.table, column: s.column, lastValue: v!.last, isCalled: v!.called });
        }
        header = {
          format: BACKUP_FORMAT,
          version: BACKUP_VERSION,
          createdAt: new Date().toISOString(),
          source: database.kind,
          migrations: { count: hashes.length, last: hashes.at(-1) ?? null, hashes },
          tables,
          sequences,
        };
        const h = header;
        async function* lines(): AsyncGenerator<string> {
          yield JSON.stringify(h) + '\n';
          for (const t of catalog.tables) {
            yield JSON.stringify({ table: t.name }) + '\n';
            const cols = dataColumns(t);
            const row = cols.length ? `to_json(array[${cols.map((c) => `${ident(c.name)}::text`).join(', ')}]::text[])::text` : `'[]'`;
            const order = t.primaryKey.length ? ` order by ${t.primaryKey.map(ident).join(', ')}` : '';
            await tx.execute(sql.raw(`declare sotay_backup no scroll cursor for select ${row} as line from ${ident(t.name)}${order}`));
            let n = 0;
            for (;;) {
              const batch = await queryRows<{ line: string }>(tx, sql.raw(`fetch forward ${FETCH_ROWS} from sotay_backup`));
              if (batch.length === 0) break;
              n += batch.length;
              yield batch.map((r) => r.line).join('\n') + '\n';
            }
            await tx.execute(sql.raw('close sotay_backup'));
            const expected = h.tables.find((x) => x.name === t.name)!.rows;
            if (n !== expected) throw new Error(`Bảng ${t.name}: đọc được ${n} dòng, khác số đếm ${expected}.`);
            total += n;
            opts.onTable?.(t.name, n);
          }
          yield JSON.stringify({ end: true, rows: total }) + '\n';
        }
        await pipeline(Readable.from(lines()), zlib.createGzip({ level: 6 }), fs.createWriteStream(partial, { mode: 0o600, flags: 'wx' }));
      },
      { isolationLevel: 'repeatable read', accessMode: 'read only' },
    );
    const fd = fs.openSync(partial, 'r');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    publish(partial, file);
  } catch (e) {
    fs.rmSync(partial, { force: true });
    throw e;
  }
  return { header: header!, rows: total, bytes: fs.statSync(file).size, ms: Date.now() - started };
}

class BackupFileError extends DomainError {
  constructor(file: string, why: string) {
    super('invalid', `Tệp ${file} không dùng được làm bản sao lưu Sổ tay: ${why}`);
  }
}

/** The file's lines, read through gunzip; errors of the file or the compression reach the reader. */
function openLines(file: string): { lines: AsyncIterable<string>; close: () => void } {
  if (!fs.existsSync(file)) throw new DomainError('not_found', `Không có tệp ${file}.`);
  if (!fs.statSync(file).isFile()) throw new BackupFileError(file, 'đây không phải một tệp.');
  const input = fs.createReadStream(file);
  const gunzip = zlib.createGunzip();
  input.on('error', (e) => gunzip.destroy(e));
  input.pipe(gunzip);
  async function* lines(): AsyncGenerator<string> {
    const decoder = new StringDecoder('utf8');
    let rest = '';
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      const text = rest + decoder.write(chunk);
      const parts = text.split('\n');
      rest = parts.pop()!;
      for (const p of parts) yield p;
    }
    rest += decoder.end();
    if (rest) yield rest;
  }
  return {
    lines: lines(),
    close: () => {
      gunzip.destroy();
      input.destroy();
    },
  };
}

function describeReadError(file: string, e: unknown): DomainError {
  if (e instanceof DomainError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR' || /incorrect header check|unexpected end of file/i.test(String((e as Error).message)))
    return new BackupFileError(file, 'tệp không phải dạng gzip hoặc bị cắt cụt, hỏng.');
  return new BackupFileError(file, (e as Error).message);
}

function checkHeader(file: string, line: string | undefined): BackupHeader {
  let h: Partial<BackupHeader>;
  try {
    h = JSON.parse(line ?? '') as Partial<BackupHeader>;
  } catch {
    throw new BackupFileError(file, 'dòng đầu không phải phần đầu của bản sao lưu.');
  }
  if (h?.format !== BACKUP_FORMAT) throw new BackupFileError(file, 'dòng đầu không phải phần đầu của bản sao lưu.');
  if (h.version !== BACKUP_VERSION) throw new BackupFileError(file, `bản sao lưu dạng ${String(h.version)}, phiên bản này chỉ đọc dạng ${BACKUP_VERSION}.`);
  if (!Array.isArray(h.tables) || !Array.isArray(h.sequences) || !h.migrations || !Array.isArray(h.migrations.hashes)) throw new BackupFileError(file, 'phần đầu thiếu thông tin.');
  return h as BackupHeader;
}

/** Reads only the header, to refuse a wrong file before touching any database. */
export async function readBackupHeader(file: string): Promise<BackupHeader> {
  const { lines, close } = openLines(file);
  try {
    for await (const line of lines) return checkHeader(file, line);
    throw new BackupFileError(file, 'tệp trống.');
  } catch (e) {
    throw describeReadError(file, e);
  } finally {
    close();
  }
}

/** Refuses unless the backup and the database have the same migrations and the same tables. */
function compareSchemas(header: BackupHeader, hashes: string[], catalog: Catalog): void {
  const same = header.migrations.hashes.length === hashes.length && header.migrations.hashes.every((h, i) => h === hashes[i]);
  if (!same)
    throw invalid(
      `Bản sao lưu được tạo với cấu trúc dữ liệu khác (${header.migrations.count} bước cập nhật cấu trúc, cơ sở dữ liệu này có ${hashes.length}). ` +
        `Hãy khôi phục bằng đúng phiên bản Sổ tay đã tạo bản sao lưu, rồi mới nâng cấp.`,
    );
  const problems: string[] = [];
  const target = new Map(catalog.tables.map((t) => [t.name, t]));
  for (const t of header.tables) {
    const there = target.get(t.name);
    if (!there) {
      problems.push(`thiếu bảng ${t.name}`);
      continue;
    }
    const cols = new Map(dataColumns(there).map((c) => [c.name, c.type]));
    for (const c of t.columns) if (cols.get(c.name) !== c.type) problems.push(`${t.name}.${c.name} (${c.type}) không khớp`);
    if (cols.size !== t.columns.length) problems.push(`bảng ${t.name} có số cột khác`);
  }
  for (const name of target.keys()) if (!header.tables.some((t) => t.name === name)) problems.push(`bản sao lưu không có bảng ${name}`);
  if (problems.length) throw invalid(`Cấu trúc của bản sao lưu không khớp với cơ sở dữ liệu: ${problems.join('; ')}.`);
}

type SelfRef = { columns: number[]; refColumns: number[] };
type Row = (string | null)[];

/**
 * One table being restored: rows go in by batches, each batch one INSERT … SELECT over a JSON
 * array passed as a single text parameter (PostgreSQL parses every value with the column type's
 * own input function). A reference to a row of the same table that comes later in the file
 * (a unit moved under a newer one) is written as null and set once the whole table is in.
 */
class TableWriter {
  private batch: { line: string; row: Row }[] = [];
  private bytes = 0;
  private readonly seen: Set<string>[];
  private readonly deferred: { key: Row; ref: SelfRef; values: Row }[] = [];
  private readonly insertPrefix: string;
  private readonly select: string;
  private readonly types: string[];
  rows = 0;

  constructor(
    private readonly tx: Db,
    readonly table: BackupTable,
    info: TableInfo,
    private readonly selfRefs: SelfRef[],
    private readonly keyColumns: number[],
    private readonly batchRows = BATCH_ROWS,
  ) {
    const types = new Map(info.columns.map((c) => [c.name, c.type]));
    this.types = table.columns.map((c) => types.get(c.name)!);
    const overriding = info.columns.some((c) => c.identity === 'a') ? ' overriding system value' : '';
    this.insertPrefix = `insert into ${ident(table.name)} (${table.columns.map((c) => ident(c.name)).join(', ')})${overriding}`;
    this.select = this.types.map((type, i) => `(r->>${i})::${type}`).join(', ');
    this.seen = selfRefs.map(() => new Set<string>());
  }

  async add(line: string, row: Row): Promise<void> {
    this.rows++;
    this.batch.push({ line, row });
    this.bytes += line.length;
    if (this.batch.length >= this.batchRows || this.bytes >= BATCH_BYTES) await this.flush();
  }

  private async flush(): Promise<void> {
    if (!this.batch.length) return;
    const batch = this.batch;
    this.batch = [];
    this.bytes = 0;
    if (this.selfRefs.length) {
      // Rows of one statement may reference each other: constraints are checked at its end.
      this.selfRefs.forEach((ref, i) => {
        for (const { row } of batch) this.seen[i]!.add(JSON.stringify(ref.refColumns.map((c) => row[c])));
      });
      for (const item of batch) {
        this.selfRefs.forEach((ref, i) => {
          const values = ref.columns.map((c) => item.row[c] ?? null);
          if (values.some((v) => v == null) || this.seen[i]!.has(JSON.stringify(values))) return;
          this.deferred.push({ key: this.keyColumns.map((c) => item.row[c] ?? null), ref, values });
          for (const c of ref.columns) item.row[c] = null;
          item.line = JSON.stringify(item.row);
        });
      }
    }
    const payload = `[${batch.map((b) => b.line).join(',')}]`;
    await this.tx.execute(sql`${sql.raw(`${this.insertPrefix} select ${this.select} from json_array_elements(`)}${payload}${sql.raw('::text::json) as r')}`);
  }

  async finish(): Promise<void> {
    await this.flush();
    if (!this.deferred.length) return;
    if (!this.keyColumns.length) throw new Error(`bảng ${this.table.name} tự tham chiếu nhưng không có khóa chính`);
    const col = (i: number) => ident(this.table.columns[i]!.name);
    for (const d of this.deferred) {
      const set = d.ref.columns.map((c, i) => sql`${sql.raw(`${col(c)} = `)}${d.values[i]}${sql.raw(`::text::${this.types[c]}`)}`);
      const where = this.keyColumns.map((c, i) => sql`${sql.raw(`${col(c)} = `)}${d.key[i]}${sql.raw(`::text::${this.types[c]}`)}`);
      await this.tx.execute(sql`${sql.raw(`update ${ident(this.table.name)} set `)}${sql.join(set, sql.raw(', '))} where ${sql.join(where, sql.raw(' and '))}`);
    }
  }
}

/**
 * Restores a backup into an empty, migrated database, in one transaction, and records a
 * 'system.restore' audit entry. Anything wrong — another schema, a non-empty database, a cut-off
 * or damaged file — refuses with a message and writes nothing.
 */
export async function restoreDatabase(
  database: { db: Db; kind: DbKind },
  file: string,
  opts: Progress & { who?: ActingContext; /** rows per INSERT (tests use 1 to meet a child before its parent) */ batchRows?: number } = {},
): Promise<RestoreResult> {
  const started = Date.now();
  const header = await readBackupHeader(file);
  let total = 0;
  await database.db.transaction(async (tx) => {
    await fixTextForms(tx);
    const hashes = await appliedMigrations(tx);
    if (!hashes) throw invalid('Cơ sở dữ liệu đích chưa được tạo cấu trúc: hãy chạy "sotay migrate" trước.');
    const catalog = await readCatalog(tx);
    compareSchemas(header, hashes, catalog);
    if (catalog.tables.length) await tx.execute(sql.raw(`lock table ${catalog.tables.map((t) => ident(t.name)).join(', ')} in exclusive mode`));
    const filled: string[] = [];
    for (const t of catalog.tables) {
      const [c] = await queryRows<{ n: string }>(tx, sql.raw(`select count(*)::text as n from ${ident(t.name)}`));
      if (c!.n !== '0') filled.push(`${t.name}: ${c!.n} dòng`);
    }
    if (filled.length)
      throw conflict(
        `Cơ sở dữ liệu đích không trống (${filled.join(', ')}). Chỉ khôi phục vào một cơ sở dữ liệu mới, đã tạo cấu trúc và chưa có dữ liệu: ` +
          `với cơ sở dữ liệu nhúng, đặt SOTAY_DATA_DIR là một thư mục mới; với PostgreSQL, tạo một cơ sở dữ liệu mới và đặt DATABASE_URL. Chưa ghi gì.`,
      );

    const infos = new Map(catalog.tables.map((t) => [t.name, t]));
    const { lines, close } = openLines(file);
    let lineNo = 0;
    let tableIndex = -1;
    let writer: TableWriter | null = null;
    let ended = false;
    const fail = (why: string) => new BackupFileError(file, `dòng ${lineNo}: ${why}`);
    const finishTable = async () => {
      if (!writer) return;
      if (writer.rows !== writer.table.rows) throw fail(`bảng ${writer.table.name} có ${writer.rows} dòng, phần đầu ghi ${writer.table.rows}.`);
      await writer.finish();
      total += writer.rows;
      opts.onTable?.(writer.table.name, writer.rows);
      writer = null;
    };
    try {
      for await (const line of lines) {
        lineNo++;
        if (lineNo === 1 || line === '') continue;
        if (ended) throw fail('còn dữ liệu sau dòng kết thúc.');
        if (line.startsWith('[')) {
          if (!writer) throw fail('dòng dữ liệu nằm ngoài bảng.');
          let row: unknown;
          try {
            row = JSON.parse(line);
          } catch {
            throw fail('dòng dữ liệu hỏng.');
          }
          if (!Array.isArray(row) || row.length !== writer.table.columns.length || !row.every((v) => v === null || typeof v === 'string'))
            throw fail(`dòng dữ liệu của bảng ${writer.table.name} không đúng ${writer.table.columns.length} cột.`);
          await writer.add(line, row as Row);
          continue;
        }
        let marker: { table?: unknown; end?: unknown; rows?: unknown };
        try {
          marker = JSON.parse(line) as typeof marker;
        } catch {
          throw fail('dòng hỏng.');
        }
        await finishTable();
        if (marker.end === true) {
          if (tableIndex !== header.tables.length - 1) throw fail('tệp kết thúc trước khi đủ các bảng.');
          if (marker.rows !== total) throw fail(`tổng số dòng ${total} khác với dòng kết thúc (${String(marker.rows)}).`);
          ended = true;
          continue;
        }
        tableIndex++;
        const table = header.tables[tableIndex];
        if (!table || marker.table !== table.name) throw fail(`gặp bảng ${String(marker.table)}, phần đầu ghi ${table?.name ?? 'không còn bảng nào'}.`);
        const info = infos.get(table.name)!;
        const index = new Map(table.columns.map((c, i) => [c.name, i]));
        const selfRefs = catalog.foreignKeys
          .filter((fk) => fk.table === table.name && fk.refTable === table.name)
          .map((fk) => ({ columns: fk.columns.map((c) => index.get(c)!), refColumns: fk.refColumns.map((c) => index.get(c)!) }));
        writer = new TableWriter(tx, table, info, selfRefs, info.primaryKey.map((c) => index.get(c)!), opts.batchRows);
      }
    } catch (e) {
      if (e instanceof DomainError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      if (code?.startsWith('Z_') || /unexpected end of file|incorrect header check/i.test(String((e as Error).message))) throw describeReadError(file, e);
      const where = (writer as TableWriter | null)?.table.name;
      // Drizzle wraps the database's error (with the whole statement); its cause says what went wrong.
      const cause = (e as Error).cause instanceof Error ? ((e as Error).cause as Error) : (e as Error);
      throw invalid(`Không ghi được${where ? ` bảng ${where}` : ''} (quanh dòng ${lineNo} của tệp): ${cause.message}. Chưa ghi gì.`);
    } finally {
      close();
    }
    if (!ended) throw new BackupFileError(file, 'tệp bị cắt cụt (thiếu dòng kết thúc).');

    // Sequences continue after the restored rows (and never behind where the source stood).
    for (const s of catalog.sequences) {
      const [m] = await queryRows<{ max: string | null }>(tx, sql.raw(`select max(${ident(s.column)})::text as max from ${ident(s.table)}`));
      const saved = header.sequences.find((x) => x.table === s.table && x.column === s.column);
      let value = m?.max != null ? BigInt(m.max) : 0n;
      if (saved) {
        const savedValue = saved.isCalled ? BigInt(saved.lastValue) : BigInt(saved.lastValue) - 1n;
        if (savedValue > value) value = savedValue;
      }
      if (value >= 1n) await tx.execute(sql`select setval(${s.sequence}::text::regclass, ${value.toString()}::text::bigint, true)`);
      else await tx.execute(sql`select setval(${s.sequence}::text::regclass, 1, false)`);
    }
    await audit(tx, opts.who ?? SYSTEM_CONTEXT, {
      action: 'system.restore',
      entityType: 'system',
      after: {
        file: path.basename(file),
        createdAt: header.createdAt,
        source: header.source,
        rows: total,
        tables: Object.fromEntries(header.tables.map((t) => [t.name, t.rows])),
      },
    });
  });
  return { header, rows: total, ms: Date.now() - started };
}
