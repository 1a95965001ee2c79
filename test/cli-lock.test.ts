// The embedded database's data directory has no lock of its own, and a second process opening it
// corrupts it: src/core/db/lock.ts takes SOTAY_DATA_DIR/sotay.lock. These tests start the real
// server (`node bin/sotay.js serve`) on a temporary data directory and check that every command
// that needs the database refuses while it runs — exit code 1, a Vietnamese message naming the
// server — and that the server keeps serving; that a lock left by a killed server (kill -9) is
// taken over at the next start and the data opens again; and that a server killed in the middle
// of its first start comes back with the demo loaded exactly once.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { sql } from 'drizzle-orm';
import { testDatabase, onPostgres } from './kit/db.ts';
import { openDatabase, queryRows, type Db } from '../src/core/db/client.ts';
import { backupDatabase } from '../src/core/backup/backup.ts';

const bin = path.resolve('bin/sotay.js');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sotay-lock-'));
const children = new Set<ChildProcess>();
after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  fs.rmSync(root, { recursive: true, force: true });
});

const embeddedOnly = onPostgres() ? 'the lock guards the embedded database’s data directory; PostgreSQL has its own concurrency control, so there the commands run beside the server (next test)' : false;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

type Server = { child: ChildProcess; port: number; output: () => string; exited: Promise<number | null> };

/** Starts `sotay serve` and resolves once it prints its banner. */
async function startServer(env: Record<string, string>, timeoutMs = 120_000): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, [bin, 'serve'], { env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', SOTAY_LOG_LEVEL: 'silent', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString('utf8')));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const server: Server = { child, port, output: () => out, exited };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start in ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const check = () => {
      if (out.includes('Sổ tay đang chạy')) {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}) before starting:\n${out}`));
    });
  });
  return server;
}

async function ready(port: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/readyz`);
  return res.status;
}

function sotay(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [bin, ...args], { env: { ...process.env, SOTAY_LOG_LEVEL: 'silent', ...env }, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

async function tableCounts(db: Db): Promise<Record<string, number>> {
  const rows = await queryRows<{ units: string; members: string; accounts: string; roles: string; markers: string }>(
    db,
    sql`select (select count(*) from units)::text as units, (select count(*) from members)::text as members, (select count(*) from accounts)::text as accounts,
               (select count(*) from role_assignments)::text as roles, (select count(*) from settings where key = 'demo_seeded')::text as markers`,
  );
  return Object.fromEntries(Object.entries(rows[0]!).map(([k, v]) => [k, Number(v)]));
}

test('while the server runs on the embedded database, every command that opens it refuses and the server keeps working; after kill -9 the next start takes the lock over and the data opens again', { skip: embeddedOnly, timeout: 600_000 }, async () => {
  const dataDir = path.join(root, 'data');
  const env = { SOTAY_DATA_DIR: dataDir, DATABASE_URL: '' };
  const server = await startServer(env);
  const pid = server.child.pid!;
  assert.equal(await ready(server.port), 200);
  const lock = JSON.parse(fs.readFileSync(path.join(dataDir, 'sotay.lock'), 'utf8')) as { pid: number; purpose: string };
  assert.deepEqual([lock.pid, lock.purpose], [pid, 'serve']);

  // A valid backup file to offer to `restore`, made from the test kit's demo database.
  const kit = await testDatabase({ demo: true });
  const backupFile = path.join(root, 'kit.jsonl.gz');
  await backupDatabase(kit, backupFile);
  await kit.close();

  const refused = path.join(root, 'refused.jsonl.gz');
  const commands: string[][] = [
    ['migrate'],
    ['seed-demo'],
    ['backup', refused],
    ['restore', backupFile],
    ['users', 'reset', '--username', 'admin'],
    ['users', 'create', '--name', 'Nguyễn Văn An', '--username', 'quantri', '--role', 'system_admin'],
  ];
  for (const args of commands) {
    const r = sotay(args, env);
    assert.equal(r.code, 1, `sotay ${args.join(' ')}: ${r.out}${r.err}`);
    assert.match(
      r.err,
      new RegExp(`^Lỗi: Thư mục dữ liệu đang được dùng: máy chủ Sổ tay đang chạy \\(pid ${pid}[,)].*Cơ sở dữ liệu nhúng chỉ mở được bởi một tiến trình\\. Hãy dừng tiến trình đó trước`),
      `sotay ${args.join(' ')}`,
    );
    assert.equal(await ready(server.port), 200, `the server still answers after sotay ${args.join(' ')}`);
  }
  assert.equal(fs.existsSync(refused), false, 'a refused backup leaves no file');
  assert.equal((await fetch(`http://127.0.0.1:${server.port}/login`)).status, 200);

  // kill -9: the lock file stays behind, naming a dead process.
  server.child.kill('SIGKILL');
  await server.exited;
  assert.equal(JSON.parse(fs.readFileSync(path.join(dataDir, 'sotay.lock'), 'utf8')).pid, pid);

  const again = await startServer(env);
  assert.match(again.output(), /Dữ liệu mẫu đã có sẵn\./, 'the data reopened, nothing loaded twice');
  assert.equal(await ready(again.port), 200);
  assert.equal(JSON.parse(fs.readFileSync(path.join(dataDir, 'sotay.lock'), 'utf8')).pid, again.child.pid, 'the new server took the lock over');
  again.child.kill('SIGTERM');
  assert.equal(await again.exited, 0, 'a graceful stop');
  assert.equal(fs.existsSync(path.join(dataDir, 'sotay.lock')), false, 'a graceful stop releases the lock');

  // Stopped: the same commands now run.
  const reset = sotay(['users', 'reset', '--username', 'admin'], env);
  assert.equal(reset.code, 0, reset.err);
  assert.match(reset.out, /Mật khẩu tạm thời: \S+/);
  const backup = sotay(['backup', path.join(root, 'after.jsonl.gz')], env);
  assert.equal(backup.code, 0, backup.err);
  const header = JSON.parse(zlib.gunzipSync(fs.readFileSync(path.join(root, 'after.jsonl.gz'))).toString('utf8').split('\n')[0]!) as { tables: { name: string; rows: number }[] };
  assert.ok(header.tables.find((t) => t.name === 'units')!.rows > 0);
});

const embeddedCrash = onPostgres() ? 'about the embedded database’s data directory surviving kill -9; PostgreSQL recovers from a crash on its own' : false;

test('a server killed (kill -9) in the middle of its first start comes back with the demo loaded whole, once', { skip: embeddedCrash, timeout: 600_000 }, async () => {
  const kit = await testDatabase({ demo: true });
  const expected = await tableCounts(kit.db);
  await kit.close();
  for (const delayMs of [1000, 2500]) {
    const dataDir = path.join(root, `first-start-${delayMs}`);
    const env = { SOTAY_DATA_DIR: dataDir, DATABASE_URL: '' };
    const port = await freePort();
    const child = spawn(process.execPath, [bin, 'serve'], { env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', SOTAY_LOG_LEVEL: 'silent' }, stdio: 'ignore' });
    children.add(child);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // Wait until the database files exist (migration and demo loading follow), then kill.
    for (let i = 0; i < 600 && !fs.existsSync(path.join(dataDir, 'pg')); i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, delayMs));
    child.kill('SIGKILL');
    await exited;

    const server = await startServer(env);
    assert.equal(await ready(server.port), 200);
    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0);
    const db = await openDatabase({ kind: 'pglite', dataDir, purpose: 'test' });
    try {
      assert.deepEqual(await tableCounts(db.db), expected, `killed ${delayMs} ms into the first start: the demo is there whole, once`);
    } finally {
      await db.close();
    }
  }
});

test('on PostgreSQL the commands run beside the running server', { skip: onPostgres() ? false : 'PostgreSQL pass only (DATABASE_URL)', timeout: 600_000 }, async () => {
  const database = await testDatabase({ demo: true });
  try {
    const env = { DATABASE_URL: database.url!, SOTAY_SEED_DEMO: '0' };
    const server = await startServer(env);
    const reset = sotay(['users', 'reset', '--username', 'admin'], env);
    assert.equal(reset.code, 0, reset.err);
    const backup = sotay(['backup', path.join(root, 'online.jsonl.gz')], env);
    assert.equal(backup.code, 0, backup.err);
    assert.equal(await ready(server.port), 200);
    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0);
  } finally {
    await database.close();
  }
});
