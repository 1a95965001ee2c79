import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { acquireDataDirLock, DataDirLockedError, readLock } from './lock.ts';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'sotay-lock-'));

test('a second holder is refused with a message naming the first', () => {
  const dir = tmp();
  const lock = acquireDataDirLock(dir, 'serve', 3000);
  assert.throws(() => acquireDataDirLock(dir, 'backup'), (e: unknown) => e instanceof DataDirLockedError && /máy chủ Sổ tay đang chạy/.test(e.message));
  lock.update({ port: 3111 });
  assert.equal(readLock(path.join(dir, 'sotay.lock'))!.port, 3111);
  lock.release();
  acquireDataDirLock(dir, 'backup').release();
});

test("a dead process's lock is taken over; a lock being written right now is not", () => {
  const dir = tmp();
  const lockPath = path.join(dir, 'sotay.lock');
  fs.writeFileSync(lockPath, JSON.stringify({ pid: 4194305, host: os.hostname(), purpose: 'serve', since: '' }));
  const lock = acquireDataDirLock(dir, 'serve');
  assert.equal(readLock(lockPath)!.pid, process.pid);
  lock.release();
  fs.writeFileSync(lockPath, ''); // created, not yet filled, by a process starting now
  assert.throws(() => acquireDataDirLock(dir, 'serve'), DataDirLockedError);
  const old = new Date(Date.now() - 60_000);
  fs.utimesSync(lockPath, old, old);
  acquireDataDirLock(dir, 'serve').release();
});
