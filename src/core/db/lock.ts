// PGlite's data directory has no lock of its own, and a second process opening it can corrupt
// it. Whoever opens the directory first takes this lock file; others refuse with a clear message.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type LockInfo = { pid: number; host: string; purpose: string; since: string; port?: number };

export class DataDirLockedError extends Error {
  constructor(
    readonly lockPath: string,
    readonly holder: LockInfo,
  ) {
    const what = holder.purpose === 'serve' ? `máy chủ Sổ tay đang chạy (pid ${holder.pid}${holder.port ? `, cổng ${holder.port}` : ''})` : `lệnh "${holder.purpose}" đang chạy (pid ${holder.pid})`;
    super(
      `Thư mục dữ liệu đang được dùng: ${what}. Cơ sở dữ liệu nhúng chỉ mở được bởi một tiến trình. ` +
        `Hãy dừng tiến trình đó trước, hoặc thực hiện thao tác qua giao diện quản trị của máy chủ đang chạy.`,
    );
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readLock(lockPath: string): LockInfo | null {
  try {
    return JSON.parse(fs.readFileSync(lockPath, 'utf8')) as LockInfo;
  } catch {
    return null;
  }
}

export type DataDirLock = { release: () => void; update: (p: Partial<LockInfo>) => void };

/** A lock file nobody could have written yet (a process between creating and filling it) is held, not stale. */
const YOUNG_MS = 10_000;

function stale(lockPath: string): { stale: boolean; holder: LockInfo | null } {
  const holder = readLock(lockPath);
  if (!holder) {
    try {
      return { stale: Date.now() - fs.statSync(lockPath).mtimeMs > YOUNG_MS, holder: null };
    } catch {
      return { stale: true, holder: null }; // gone meanwhile
    }
  }
  return { stale: holder.host === os.hostname() && !alive(holder.pid), holder };
}

/**
 * Takes the lock or throws DataDirLockedError. A lock left by a dead process on this host is
 * taken over; the takeover itself is serialised by a mkdir mutex and re-checks staleness inside
 * it, so two processes that both saw a stale lock never both end up holding it.
 */
export function acquireDataDirLock(dataDir: string, purpose: string, port?: number): DataDirLock {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, 'sotay.lock');
  const mutex = `${lockPath}.takeover`;
  const info: LockInfo = { pid: process.pid, host: os.hostname(), purpose, since: new Date().toISOString(), ...(port ? { port } : {}) };
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fd = fs.openSync(lockPath, 'wx');
      fs.writeSync(fd, JSON.stringify(info));
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        const current = readLock(lockPath);
        if (current && current.pid === process.pid && current.host === info.host) fs.rmSync(lockPath, { force: true });
        process.off('exit', release);
      };
      process.on('exit', release);
      const update = (p: Partial<LockInfo>) => {
        Object.assign(info, p);
        const tmp = `${lockPath}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, JSON.stringify(info));
        fs.renameSync(tmp, lockPath);
      };
      return { release, update };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const first = stale(lockPath);
      if (!first.stale) throw new DataDirLockedError(lockPath, first.holder ?? { pid: 0, host: '?', purpose: 'khởi động', since: '' });
      try {
        fs.mkdirSync(mutex);
      } catch {
        // Another process is taking over right now (or died doing so long ago).
        try {
          if (Date.now() - fs.statSync(mutex).mtimeMs > YOUNG_MS) fs.rmSync(mutex, { recursive: true, force: true });
        } catch {
          /* gone meanwhile */
        }
        continue;
      }
      try {
        if (stale(lockPath).stale) fs.rmSync(lockPath, { force: true });
      } finally {
        fs.rmSync(mutex, { recursive: true, force: true });
      }
    }
  }
  const holder = readLock(lockPath);
  throw new DataDirLockedError(lockPath, holder ?? { pid: 0, host: '?', purpose: 'khởi động', since: '' });
}
