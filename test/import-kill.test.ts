// kill -9 during a member import: a child process imports 20,000 members in one transaction
// and is killed with SIGKILL in the middle; the database must open again and hold either the
// whole import or none of it — and the queued job must then finish the import exactly once.
// On the embedded database (an on-disk PGlite data directory, always) and on PostgreSQL (a test
// database, in the PostgreSQL pass).
//
// This file is also the child: with SOTAY_IMPORT_KILL_CHILD set it runs the import and reports
// its progress on stdout instead of declaring tests.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { and, count, eq } from 'drizzle-orm';
import { migrateDatabase, openDatabase, type Database, type Db } from '../src/core/db/client.ts';
import { SYSTEM_CONTEXT } from '../src/core/audit/audit.ts';
import { auditLog } from '../src/core/audit/schema.ts';
import { enqueue, JobQueue } from '../src/core/jobs/queue.ts';
import { jobs } from '../src/core/jobs/schema.ts';
import { todayIso } from '../src/core/i18n/i18n.ts';
import { partyDates, phoneFor, prng, randomDate, vietnameseName } from '../src/core/synthetic/random.ts';
import { writeXlsx } from '../src/core/xlsx/index.ts';
import { createUnit } from '../src/org/tree.ts';
import { units } from '../src/org/schema.ts';
import { memberEvents, memberImports, members, people } from '../src/people/schema.ts';
import { importJobKey, runImportJob } from '../src/people/import.ts';
import { memberExportColumns, type ExportRow } from '../src/people/export.ts';
import { ARTIFACTS, onPostgres, testDatabase, type TestDatabase } from './kit/db.ts';

const ROWS = Number(process.env.SOTAY_IMPORT_KILL_ROWS ?? 20_000);
const CELL_CODE = 'KILL-CELL';
/** The queue reclaims a job whose worker died once its 5-minute lock expires: jump past it (each resumed run locks again). */
const LOCK_EXPIRED = (runs = 1) => new Date(Date.now() + runs * 6 * 60_000);

type ChildSpec = { kind: 'pglite'; dataDir: string; file: string; resume: boolean } | { kind: 'postgres'; url: string; file: string; resume: boolean };

const say = (line: string) => process.stdout.write(`${line}\n`);

function register(queue: JobQueue, onChunk?: (done: number, total: number) => void) {
  queue.register('members.import', (payload, ctx) => runImportJob(ctx.db, payload, ctx, onChunk ? { onChunk } : {}));
}

/** The child: set up a cell and a queued import of the file (first run), then run the queue. */
async function child(spec: ChildSpec): Promise<void> {
  const database = await openDatabase(spec.kind === 'pglite' ? { kind: 'pglite', dataDir: spec.dataDir, purpose: 'import-kill-test' } : { kind: 'postgres', url: spec.url, poolSize: 3 });
  await migrateDatabase(database);
  const db = database.db;
  if (!spec.resume) {
    await db.transaction(async (tx) => {
      const province = await createUnit(tx, SYSTEM_CONTEXT, { parentId: null, kind: 'party_province', name: 'Tỉnh ủy Thử tải', code: 'KILL-P' });
      const cell = await createUnit(tx, SYSTEM_CONTEXT, { parentId: province.id, kind: 'cell', name: 'Chi bộ Thử tải', code: CELL_CODE });
      const [imp] = await tx
        .insert(memberImports)
        .values({ unitId: cell.id, createdBy: 0, fileName: path.basename(spec.file), content: fs.readFileSync(spec.file), status: 'queued', totalRows: ROWS, validRows: ROWS })
        .returning();
      await enqueue(tx, 'members.import', { importId: imp!.id, accountId: null }, { dedupeKey: importJobKey(imp!.id), maxAttempts: 5 });
    });
  }
  say('ready');
  const queue = new JobQueue(db);
  register(queue, (done, total) => say(`progress ${done} ${total}`));
  const t0 = Date.now();
  const ran = await queue.runOnce(spec.resume ? LOCK_EXPIRED(1) : new Date());
  say(`done ${ran} ${Date.now() - t0}`);
  await database.close();
}

/** A valid 20,000-row workbook of synthetic members (deterministic). */
async function bigFile(file: string): Promise<void> {
  const r = prng(20_000_917);
  const today = todayIso();
  const rows: ExportRow[] = [];
  for (let i = 0; i < ROWS; i++) {
    const p = vietnameseName(r);
    const birthDate = randomDate(r, 1940, 2000);
    const party = partyDates(r, birthDate, today);
    rows.push({
      fullName: p.fullName,
      birthDate,
      gender: p.gender,
      joinedOn: party.joinedOn,
      officialOn: party.officialOn,
      cardNumber: party.standing === 'official' ? String(60_000_000 + i) : null,
      unitName: 'Chi bộ Thử tải',
      position: null,
      phone: r() < 0.8 ? phoneFor(i, '08') : null,
      email: null,
      standing: party.standing,
      exempt: r() < 0.05,
      phoneKind: 'smartphone',
    });
  }
  fs.writeFileSync(file, await writeXlsx([{ name: 'Đảng viên', columns: memberExportColumns(), rows }]));
}

type ChildResult = { killed: boolean; lines: string[]; code: number | null; signal: NodeJS.Signals | null };

/** Runs the child and kills it (SIGKILL) once it has written `killAt` rows inside its transaction. */
function runChild(spec: ChildSpec, killAt: number | null): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', path.resolve('test/import-kill.test.ts')], {
      env: { ...process.env, SOTAY_IMPORT_KILL_CHILD: JSON.stringify(spec), SOTAY_LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let stderr = '';
    let pending = '';
    let killed = false;
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`child timed out; output: ${lines.join(' | ')} ${stderr}`));
    }, 240_000);
    proc.stdout.on('data', (d: Buffer) => {
      pending += d.toString();
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        lines.push(line);
        const m = /^progress (\d+) (\d+)$/.exec(line);
        if (m && killAt != null && !killed && Number(m[1]) >= killAt) {
          killed = proc.kill('SIGKILL');
        }
      }
    });
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (!killed && code !== 0) reject(new Error(`child failed (${code}): ${stderr}`));
      else resolve({ killed, lines, code, signal });
    });
  });
}

async function state(db: Db) {
  const [cell] = await db.select().from(units).where(eq(units.code, CELL_CODE));
  assert.ok(cell, 'the set-up committed before the import started');
  const n = async (q: Promise<{ n: number }[]>) => Number((await q)[0]!.n);
  const inCell = await n(db.select({ n: count() }).from(members).where(eq(members.unitId, cell.id)));
  const events = await n(db.select({ n: count() }).from(memberEvents).where(and(eq(memberEvents.toUnitId, cell.id), eq(memberEvents.kind, 'imported'))));
  const persons = await n(db.select({ n: count() }).from(people));
  const audited = await n(db.select({ n: count() }).from(auditLog).where(eq(auditLog.action, 'member.import')));
  const [imp] = await db.select({ id: memberImports.id, status: memberImports.status, importedRows: memberImports.importedRows }).from(memberImports).where(eq(memberImports.unitId, cell.id));
  const [job] = await db.select({ status: jobs.status, attempts: jobs.attempts, result: jobs.result }).from(jobs).where(eq(jobs.dedupeKey, importJobKey(imp!.id)));
  return { cellId: cell.id, inCell, events, persons, audited, imp: imp!, job: job! };
}

/** All or nothing: the import's rows, events, audit entry and status agree. */
function assertAllOrNothing(s: Awaited<ReturnType<typeof state>>) {
  assert.ok(s.inCell === 0 || s.inCell === ROWS, `members in the cell: ${s.inCell} (must be 0 or ${ROWS})`);
  assert.equal(s.events, s.inCell, 'one imported event per member, no more');
  assert.equal(s.persons, s.inCell, 'no person without a member record');
  assert.equal(s.audited, s.inCell ? 1 : 0);
  assert.equal(s.imp.status === 'done', s.inCell === ROWS);
}

/** The database works: a read, a write in a transaction, an integrity check. */
async function assertWorks(db: Db) {
  await db.transaction((tx) => createUnit(tx, SYSTEM_CONTEXT, { parentId: null, kind: 'party_province', name: `Sau khi khởi động lại ${crypto.randomBytes(3).toString('hex')}` }));
  const [orphans] = await db.select({ n: count() }).from(members).leftJoin(people, eq(people.id, members.personId)).where(eq(people.id, null as unknown as number));
  assert.equal(Number(orphans!.n), 0);
}

/** After the kill: the queued job (its lock expired) finishes the import, exactly once. */
async function resumeAndFinish(database: Database, label: string) {
  const queue = new JobQueue(database.db);
  register(queue);
  const t0 = Date.now();
  assert.equal(await queue.runOnce(LOCK_EXPIRED(3)), 1);
  const ms = Date.now() - t0;
  const s = await state(database.db);
  assert.equal(s.inCell, ROWS);
  assert.equal(s.imp.status, 'done');
  assert.equal(s.imp.importedRows, ROWS);
  assert.equal(s.job.status, 'done');
  assertAllOrNothing(s);
  assert.equal(await queue.runOnce(LOCK_EXPIRED(6)), 0, 'a finished import is not run again');
  assert.equal((await state(database.db)).inCell, ROWS);
  const timing = s.job.result as { readMs: number; transactionMs: number };
  process.stdout.write(`# ${label}: resumed import of ${ROWS} rows in ${ms} ms (reading the file ${timing.readMs} ms, one transaction: checks, writes, commit ${timing.transactionMs} ms)\n`);
}

if (process.env.SOTAY_IMPORT_KILL_CHILD) {
  await child(JSON.parse(process.env.SOTAY_IMPORT_KILL_CHILD) as ChildSpec);
} else {
  const dir = path.join(ARTIFACTS, `import-kill-${process.pid}-${crypto.randomBytes(3).toString('hex')}`);
  const file = path.join(dir, 'dang-vien-20000.xlsx');
  before(async () => {
    fs.mkdirSync(dir, { recursive: true });
    await bigFile(file);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe('kill -9 during an import', () => {
    test('embedded database (on-disk PGlite): killed twice mid-transaction, it reopens, holds none of it, then the job finishes it once', async () => {
      const dataDir = path.join(dir, 'data');
      const first = await runChild({ kind: 'pglite', dataDir, file, resume: false }, Math.floor(ROWS * 0.3));
      assert.ok(first.lines.includes('ready'), first.lines.join(' | '));
      assert.ok(first.killed && first.signal === 'SIGKILL', `killed: ${first.killed} ${first.signal}`);
      assert.ok(!first.lines.some((l) => l.startsWith('done')), 'killed before the commit');
      // A second kill, late in the resumed run (near the commit).
      const second = await runChild({ kind: 'pglite', dataDir, file, resume: true }, Math.floor(ROWS * 0.95));
      assert.ok(second.killed, second.lines.slice(-3).join(' | '));

      // The lock file of the dead process is taken over; PGlite recovers from its WAL.
      const t0 = Date.now();
      const database = await openDatabase({ kind: 'pglite', dataDir, purpose: 'import-kill-test' });
      process.stdout.write(`# pglite reopened after two SIGKILLs in ${Date.now() - t0} ms\n`);
      try {
        const s = await state(database.db);
        assertAllOrNothing(s);
        assert.equal(s.inCell, 0, 'killed before the commit: nothing');
        assert.equal(s.imp.status, 'running');
        await assertWorks(database.db);
        await resumeAndFinish(database, 'pglite');
      } finally {
        await database.close();
      }
      // And it opens once more, with the import in it.
      const again = await openDatabase({ kind: 'pglite', dataDir, purpose: 'import-kill-test' });
      try {
        assert.equal((await state(again.db)).inCell, ROWS);
      } finally {
        await again.close();
      }
    });

    test('PostgreSQL: killed mid-transaction, the server rolls back; the job then finishes it once', { skip: onPostgres() ? false : 'PostgreSQL pass only (DATABASE_URL)' }, async () => {
      let database: TestDatabase | undefined;
      try {
        database = await testDatabase({ demo: false });
        const killed = await runChild({ kind: 'postgres', url: database.url!, file, resume: false }, Math.floor(ROWS * 0.5));
        assert.ok(killed.killed && !killed.lines.some((l) => l.startsWith('done')));
        // The server notices the dead connection and aborts its transaction.
        let s = await state(database.db);
        for (let i = 0; i < 50 && s.inCell !== 0; i++) {
          await new Promise((r) => setTimeout(r, 100));
          s = await state(database.db);
        }
        assertAllOrNothing(s);
        assert.equal(s.inCell, 0);
        await assertWorks(database.db);
        await resumeAndFinish(database, 'postgres');
      } finally {
        await database?.close();
      }
    });
  });
}
