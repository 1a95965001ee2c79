// Test databases: real ones, never mocks. The runner migrates (and seeds) a template once per
// run; each test file starts from a copy — a PGlite data-dir dump loaded in memory, or a
// PostgreSQL database created from a template database — so tests never share state.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, migrateDatabase, type Database } from '../../src/core/db/client.ts';
import { seedDemo } from '../../src/demo/demo.ts';

/** SOTAY_TEST_ID keeps the templates of parallel test runs (several engineers, one machine) apart. */
const RUN = (process.env.SOTAY_TEST_ID ?? '').replace(/[^a-z0-9]/gi, '').toLowerCase();
export const ARTIFACTS = path.resolve('.test-artifacts', RUN || 'default');
export const onPostgres = () => !!process.env.DATABASE_URL;
export const dbLabel = () => (onPostgres() ? 'postgres' : 'pglite');

type Flavour = 'empty' | 'demo';
const templateName = (f: Flavour) => `sotay_test_tpl_${RUN ? `${RUN}_` : ''}${f}`;
const dumpPath = (f: Flavour) => path.join(ARTIFACTS, `pglite-${f}.tar.gz`);

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Builds the templates (called once by the test runner). */
export async function prepareTemplates(): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  for (const flavour of ['empty', 'demo'] as const) {
    if (onPostgres()) {
      const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      const name = templateName(flavour);
      await admin.query(`update pg_database set datistemplate = false where datname = $1`, [name]);
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.query(`create database ${name}`);
      await admin.end();
      const db = await openDatabase({ kind: 'postgres', url: withDatabase(process.env.DATABASE_URL!, name), poolSize: 2 });
      await migrateDatabase(db);
      if (flavour === 'demo') await seedDemo(db.db);
      await db.close();
      const again = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await again.connect();
      await again.query(`update pg_database set datistemplate = true where datname = $1`, [name]);
      await again.end();
    } else {
      const db = await openDatabase({ kind: 'pglite' });
      await migrateDatabase(db);
      if (flavour === 'demo') await seedDemo(db.db);
      const dump = await db.pglite!.dumpDataDir('gzip');
      fs.writeFileSync(dumpPath(flavour), Buffer.from(await dump.arrayBuffer()));
      await db.close();
    }
  }
}

export type TestDatabase = Database & { url?: string };

/** A fresh database for one test file, migrated, with or without the demo organisation. */
export async function testDatabase(opts: { demo?: boolean; poolSize?: number } = {}): Promise<TestDatabase> {
  const flavour: Flavour = opts.demo ? 'demo' : 'empty';
  if (onPostgres()) {
    const name = `sotay_test_${crypto.randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`create database ${name} template ${templateName(flavour)}`);
    await admin.end();
    const url = withDatabase(process.env.DATABASE_URL!, name);
    const db = await openDatabase({ kind: 'postgres', url, poolSize: opts.poolSize ?? 10 });
    return {
      ...db,
      url,
      close: async () => {
        await db.close();
        const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
        await c.connect();
        await c.query(`drop database if exists ${name} with (force)`);
        await c.end();
      },
    };
  }
  const file = dumpPath(flavour);
  if (!fs.existsSync(file)) throw new Error(`Missing ${file}: run the tests through "npm test" (it prepares the templates).`);
  return openDatabase({ kind: 'pglite', loadDataDir: new Blob([fs.readFileSync(file)]) });
}
