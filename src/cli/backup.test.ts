// `sotay backup FILE` and `sotay restore FILE` as an operator runs them: separate processes, a
// database of their own, exit codes and messages. (Row-for-row exactness is proven in
// src/core/backup/backup.test.ts.)
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { testDatabase, onPostgres, type TestDatabase } from '../../test/kit/db.ts';
import { migrateDatabase, openDatabase, queryRows, type Database } from '../core/db/client.ts';
import { readCatalog } from '../core/backup/catalog.ts';
import { seedDemo } from '../demo/demo.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sotay-backup-cli-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const bin = path.resolve('bin/sotay.js');

function sotay(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [bin, ...args], { env: { ...process.env, SOTAY_LOG_LEVEL: 'silent', ...env }, encoding: 'utf8', timeout: 180_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

async function counts(database: Database): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of (await readCatalog(database.db)).tables) {
    const [r] = await queryRows<{ n: string }>(database.db, sql.raw(`select count(*)::text as n from "${t.name}"`));
    out[t.name] = Number(r!.n);
  }
  return out;
}

/** A database holding the demo, and one that is empty, each reachable by a separate process. */
async function databases(): Promise<{ sourceEnv: Record<string, string>; targetEnv: Record<string, string>; open: (which: 'source' | 'target') => Promise<Database>; close: () => Promise<void> }> {
  if (onPostgres()) {
    const source: TestDatabase = await testDatabase({ demo: true });
    const target: TestDatabase = await testDatabase();
    const byName = { source, target };
    return {
      sourceEnv: { DATABASE_URL: source.url! },
      targetEnv: { DATABASE_URL: target.url! },
      open: async (which) => ({ ...byName[which], close: async () => {} }),
      close: async () => {
        await source.close();
        await target.close();
      },
    };
  }
  const sourceDir = path.join(dir, 'source');
  const seeded = await openDatabase({ kind: 'pglite', dataDir: sourceDir, purpose: 'test' });
  await migrateDatabase(seeded);
  await seedDemo(seeded.db);
  await seeded.close();
  const dirs = { source: sourceDir, target: path.join(dir, 'target') };
  return {
    sourceEnv: { SOTAY_DATA_DIR: sourceDir, DATABASE_URL: '' },
    targetEnv: { SOTAY_DATA_DIR: dirs.target, DATABASE_URL: '' },
    open: (which) => openDatabase({ kind: 'pglite', dataDir: dirs[which], purpose: 'test' }),
    close: async () => {},
  };
}

test('backup, then restore into a new database: every table comes back, the restore is logged', async (t) => {
  const dbs = await databases();
  try {
    const file = path.join(dir, 'sotay.jsonl.gz');
    const b = sotay(['backup', file], dbs.sourceEnv);
    assert.equal(b.code, 0, b.err);
    assert.match(b.out, /^Đã sao lưu .+: \d+ bảng, \d+ dòng, vào .+sotay\.jsonl\.gz \([\d.]+ MB, [\d.]+ giây\)\.\nTệp chứa dữ liệu cá nhân và mã băm mật khẩu: hãy giữ kín\.\n$/);
    t.diagnostic(b.out.split('\n')[0]!);

    const again = sotay(['backup', file], dbs.sourceEnv);
    assert.equal(again.code, 1);
    assert.match(again.err, /^Lỗi: Tệp .+ đã có\. Hãy chọn một tên khác: bản sao lưu cũ không bị ghi đè\./);

    const r = sotay(['restore', file], dbs.targetEnv);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^Đã khôi phục \d+ dòng \(\d+ bảng\) từ bản sao lưu lúc .+ vào .+ trong [\d.]+ giây\.\n$/);

    const source = await dbs.open('source');
    const before = await counts(source);
    await source.close();
    const target = await dbs.open('target');
    try {
      const restored = await counts(target);
      assert.equal(restored.audit_log, before.audit_log! + 1, 'one more audit entry: the restore itself');
      assert.deepEqual({ ...restored, audit_log: 0 }, { ...before, audit_log: 0 });
      const [entry] = await queryRows<{ action: string; after: { file: string } }>(target.db, sql`select action, after from audit_log order by id desc limit 1`);
      assert.equal(entry!.action, 'system.restore');
      assert.equal(entry!.after.file, 'sotay.jsonl.gz');
    } finally {
      await target.close();
    }

    const twice = sotay(['restore', file], dbs.targetEnv);
    assert.equal(twice.code, 1);
    assert.match(twice.err, /^Lỗi: Cơ sở dữ liệu đích không trống \(.+\)\. Chỉ khôi phục vào một cơ sở dữ liệu mới.+Chưa ghi gì\./);
  } finally {
    await dbs.close();
  }
});

test('wrong usage exits 2; a wrong file or a missing database exits 1 before anything is created', () => {
  const nowhere = path.join(dir, 'never-created');
  const env = { SOTAY_DATA_DIR: nowhere, DATABASE_URL: '' };
  const none = sotay(['backup'], env);
  assert.equal(none.code, 2);
  assert.match(none.err, /^Thiếu tên tệp, ví dụ: sotay backup .+\nCách dùng: sotay backup FILE\n$/);
  const extra = sotay(['restore', 'a.gz', 'b.gz'], env);
  assert.equal(extra.code, 2);
  assert.match(extra.err, /Thừa tham số "b\.gz"/);
  const help = sotay(['restore', '--help'], env);
  assert.equal(help.code, 0);
  assert.match(help.out, /DATABASE_URL=postgres:\/\/… npx sotay restore sotay\.jsonl\.gz/);

  const junk = path.join(dir, 'junk.gz');
  fs.writeFileSync(junk, 'không phải bản sao lưu');
  const bad = sotay(['restore', junk], env);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /^Lỗi: Tệp .+junk\.gz không dùng được làm bản sao lưu Sổ tay: tệp không phải dạng gzip hoặc bị cắt cụt, hỏng\./);
  const missing = sotay(['restore', path.join(dir, 'absent.gz')], env);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /^Lỗi: Không có tệp .+absent\.gz\./);
  const empty = sotay(['backup', path.join(dir, 'x.gz')], env);
  assert.equal(empty.code, 1);
  assert.match(empty.err, /^Lỗi: Chưa có cơ sở dữ liệu nhúng tại .+never-created \(SOTAY_DATA_DIR\): không có gì để sao lưu\./);
  assert.equal(fs.existsSync(nowhere), false, 'no data directory was created');
});
