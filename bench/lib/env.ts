// The bench's own databases and apps: a temporary PGlite data directory, or a scratch
// PostgreSQL database that is dropped afterwards; the synthetic province in it (made once per
// run and shared by the scenarios); the real app on that database; and a client that logs in
// through the real form the way a browser does.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/core/config.ts';
import { migrateDatabase, openDatabase, redactUrl, type Database, type DbKind } from '../../src/core/db/client.ts';
import { createServer } from '../../src/server.ts';
import { generateProvince, type ProvinceProgress, type SyntheticProvince } from '../../src/core/synthetic/generator.ts';

export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** Province sizes: the 150,000 members in 4,000 cells on PostgreSQL, a tenth on PGlite. */
export const PROVINCE_SIZE: Record<DbKind, { members: number; cells: number }> = {
  postgres: { members: 150_000, cells: 4_000 },
  pglite: { members: 15_000, cells: 400 },
};
export const BENCH_SEED = 2021;

export type BenchEnv = {
  kind: DbKind;
  database: Database;
  /** Where the database is, for the log. */
  where: string;
  size: { members: number; cells: number };
  /** The synthetic province, generated on first use. */
  province(): Promise<SyntheticProvince & { generateMs: number }>;
  /** A fresh instance of the real app on this database (its own rate-limit counters). */
  app(): Promise<{ app: FastifyInstance; close: () => Promise<void> }>;
  cleanup(): Promise<void>;
};

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

function withDatabaseName(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function openBenchEnv(kind: DbKind, opts: { postgresUrl?: string; members?: number } = {}): Promise<BenchEnv> {
  let database: Database;
  let where: string;
  let drop: () => Promise<void>;
  if (kind === 'pglite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sotay-bench-'));
    database = await openDatabase({ kind: 'pglite', dataDir: dir, purpose: 'bench' });
    where = dir;
    drop = async () => fs.rmSync(dir, { recursive: true, force: true });
  } else {
    const base = opts.postgresUrl ?? process.env.DATABASE_URL ?? DEFAULT_POSTGRES_URL;
    const name = `sotay_bench_${crypto.randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = withDatabaseName(base, name);
    where = redactUrl(url);
    drop = async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
    try {
      database = await openDatabase({ kind: 'postgres', url, poolSize: 10 });
    } catch (e) {
      await drop();
      throw e;
    }
  }
  let closed = false;
  const cleanup = async () => {
    if (closed) return;
    closed = true;
    await database.close().catch(() => {});
    await drop();
    log(`${kind}: removed ${where}`);
  };
  try {
    await migrateDatabase(database);
  } catch (e) {
    await cleanup();
    throw e;
  }
  log(`${kind}: scratch database ${where}`);

  const base = PROVINCE_SIZE[kind];
  const size = opts.members ? { members: opts.members, cells: Math.max(1, Math.round((opts.members * base.cells) / base.members)) } : base;
  let province: Promise<SyntheticProvince & { generateMs: number }> | undefined;
  const config = loadConfig({ SOTAY_DATA_DIR: path.join(os.tmpdir(), 'sotay-bench-unused'), SOTAY_LOG_LEVEL: 'silent', SOTAY_WORKERS: 'false', SOTAY_SEED_DEMO: 'false' });

  return {
    kind,
    database,
    where,
    size,
    province: () =>
      (province ??= (async () => {
        log(`${kind}: generating a province of ${size.members.toLocaleString('en')} members in ${size.cells.toLocaleString('en')} cells (seed ${BENCH_SEED})…`);
        let shown = -1;
        const onProgress = (p: ProvinceProgress) => {
          const tenth = Math.floor((p.done / Math.max(1, p.total)) * 10);
          if (p.phase !== 'plan' && p.phase !== 'analyze' && tenth >= shown + 2) {
            shown = tenth;
            log(`${kind}:   ${tenth * 10}% (${p.phase})`);
          }
        };
        const made = await generateProvince(database.db, kind, { ...size, seed: BENCH_SEED, onProgress });
        const c = made.counts;
        log(`${kind}: generated in ${(made.ms / 1000).toFixed(1)} s — units ${c.units}, people ${c.people}, members ${c.members}, accounts ${c.accounts}, roles ${c.roles}, events ${c.events}`);
        return { ...made, generateMs: made.ms };
      })()),
    app: async () => {
      const { app, jobs } = await createServer(config, { database, logger: false });
      await app.ready();
      return {
        app,
        close: async () => {
          await jobs.stop();
          await app.close();
        },
      };
    },
    cleanup,
  };
}

/** A browser-like client over fastify.inject: cookies, the CSRF token of the last page, one address. */
export class InjectClient {
  cookies = new Map<string, string>();
  csrf = '';
  constructor(
    readonly app: FastifyInstance,
    readonly ip: string,
  ) {}

  private absorb(setCookie: unknown): void {
    const list = Array.isArray(setCookie) ? setCookie : setCookie ? [String(setCookie)] : [];
    for (const c of list as string[]) {
      const pair = c.split(';')[0]!;
      const i = pair.indexOf('=');
      const name = pair.slice(0, i);
      const value = pair.slice(i + 1);
      if (value === '' || /Expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(method: 'GET' | 'POST', url: string, form?: Record<string, string>) {
    const headers: Record<string, string> = {};
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let payload: string | undefined;
    if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      payload = new URLSearchParams({ ...form, _csrf: this.csrf }).toString();
    }
    const res = await this.app.inject({ method, url, headers, remoteAddress: this.ip, ...(payload !== undefined ? { payload } : {}) });
    this.absorb(res.headers['set-cookie']);
    const m = /name="_csrf" value="([^"]+)"/.exec(res.body);
    if (m) this.csrf = m[1]!;
    return res;
  }

  /** The login page (sets the pre-login CSRF cookie and token). */
  openLogin() {
    return this.request('GET', '/login');
  }

  /** Posts the login form; a successful login answers 303. */
  submitLogin(identifier: string, password: string) {
    return this.request('POST', '/login', { identifier, password });
  }

  async login(identifier: string, password: string): Promise<void> {
    await this.openLogin();
    const res = await this.submitLogin(identifier, password);
    if (res.statusCode !== 303) throw new Error(`bench: login as ${identifier} failed (${res.statusCode})`);
  }
}

/** Distinct client addresses (10.x.y.z), so per-address limits see many people, as in production. */
export const clientIp = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

// Dates and timestamps as the strings PostgreSQL sends, as Drizzle's drivers return them.
const AS_TEXT = [1082, 1114, 1184];
const pgTypes = { getTypeParser: (oid: number, format?: 'text' | 'binary') => (AS_TEXT.includes(oid) ? (v: string) => v : pg.types.getTypeParser(oid, format)) } as pg.CustomTypesConfig;
const pgliteParsers = Object.fromEntries(AS_TEXT.map((oid) => [oid, (v: string) => v]));

/** A query straight through the driver (the pg pool, or PGlite), no ORM in between. */
export async function rawQuery<T>(database: Database, text: string, params: unknown[] = []): Promise<T[]> {
  if (database.kind === 'postgres') return (await database.pool!.query({ text, values: params, types: pgTypes })).rows as T[];
  return (await database.pglite!.query<T>(text, params, { parsers: pgliteParsers })).rows;
}
