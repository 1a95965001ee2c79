// Opens the database: PGlite (embedded, the default) or PostgreSQL (DATABASE_URL).
// Both run the same Drizzle schema and the same migrations.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { sql, type SQL } from 'drizzle-orm';
import pg from 'pg';
import * as schema from './schema.ts';
import { acquireDataDirLock, type DataDirLock } from './lock.ts';

export type Schema = typeof schema;
/** A database handle or a transaction handle: domain functions accept either. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type DbKind = 'pglite' | 'postgres';

export type Database = {
  db: Db;
  kind: DbKind;
  /** The underlying PGlite instance (embedded only). */
  pglite?: PGlite;
  /** The pg pool (PostgreSQL only). */
  pool?: pg.Pool;
  /** The data-directory lock (embedded only), e.g. to record the server's port in it. */
  lock?: DataDirLock;
  close(): Promise<void>;
};

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../migrations');

export type OpenOptions =
  | { kind: 'postgres'; url: string; poolSize?: number }
  | { kind: 'pglite'; dataDir?: string; loadDataDir?: Blob; purpose?: string; lock?: boolean };

export class DatabaseOpenError extends Error {}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize ?? 10 });
    pool.on('error', () => {
      /* idle client errors are reported on the next query */
    });
    try {
      const c = await pool.connect();
      c.release();
    } catch (e) {
      await pool.end().catch(() => {});
      throw new DatabaseOpenError(`Không kết nối được PostgreSQL (${redactUrl(opts.url)}): ${(e as Error).message}`);
    }
    const db = drizzlePg(pool, { schema }) as unknown as Db;
    return { db, kind: 'postgres', pool, close: () => pool.end() };
  }
  let lock: DataDirLock | undefined;
  let pgDir: string | undefined;
  if (opts.dataDir) {
    if (opts.lock !== false) lock = acquireDataDirLock(opts.dataDir, opts.purpose ?? 'serve');
    pgDir = path.join(opts.dataDir, 'pg');
  }
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({
      ...(pgDir ? { dataDir: pgDir } : {}),
      ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}),
      extensions: { pg_trgm, unaccent },
    });
    await pglite.query('select 1');
  } catch (e) {
    lock?.release();
    throw new DatabaseOpenError(
      `Không mở được cơ sở dữ liệu nhúng${pgDir ? ` tại ${pgDir}` : ''}: ${(e as Error).message}. ` +
        `Nếu tiến trình trước bị dừng đột ngột, hãy khôi phục từ bản sao lưu (sotay restore) hoặc đổi tên thư mục này và chạy lại.`,
    );
  }
  const db = drizzlePglite(pglite, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    pglite,
    ...(lock ? { lock } : {}),
    close: async () => {
      try {
        if (!pglite.closed) await pglite.close();
      } finally {
        lock?.release();
      }
    },
  };
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

/** Applies every pending migration. On PostgreSQL an advisory lock keeps two instances from racing. */
export async function migrateDatabase(database: Database): Promise<void> {
  if (!fs.existsSync(MIGRATIONS_DIR)) throw new Error(`Thiếu thư mục migrations: ${MIGRATIONS_DIR}`);
  if (database.kind === 'pglite') {
    await migratePglite(database.db as never, { migrationsFolder: MIGRATIONS_DIR });
    return;
  }
  const client = await database.pool!.connect();
  try {
    await client.query('select pg_advisory_lock(7512001)');
    await migratePg(drizzlePg(client, { schema }), { migrationsFolder: MIGRATIONS_DIR });
  } finally {
    await client.query('select pg_advisory_unlock(7512001)').catch(() => {});
    client.release();
  }
}

/** Rows of a raw query, the same shape on both drivers. */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

export async function ping(db: Db): Promise<void> {
  await db.execute(sql`select 1`);
}

export function databaseOptionsFromConfig(cfg: { databaseUrl?: string | undefined; dataDir: string }, purpose = 'serve'): OpenOptions {
  return cfg.databaseUrl ? { kind: 'postgres', url: cfg.databaseUrl } : { kind: 'pglite', dataDir: cfg.dataDir, purpose };
}
