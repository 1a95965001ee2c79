// Starting and stopping the product: open (and lock) the database, migrate, load the demo
// organisation when asked, start the job queue, listen, and shut down gracefully.
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from './core/config.ts';
import { databaseOptionsFromConfig, migrateDatabase, openDatabase, redactUrl, type Database } from './core/db/client.ts';
import { cookieKey } from './core/db/settings.ts';
import { JobQueue } from './core/jobs/queue.ts';
import { buildApp } from './core/http/app.ts';
import { allFeatures } from './features.ts';
import { DEMO_LOGINS, DEMO_PASSWORD, seedDemo, isDemoSeeded, type DemoSummary } from './demo/demo.ts';
import type { Feature } from './core/feature.ts';

export type RunningServer = { app: FastifyInstance; database: Database; jobs: JobQueue; url: string; stop: () => Promise<void> };

export async function prepareDatabase(config: Config, purpose = 'serve'): Promise<Database> {
  const database = await openDatabase(databaseOptionsFromConfig(config, purpose));
  try {
    await migrateDatabase(database);
  } catch (e) {
    await database.close();
    throw e;
  }
  return database;
}

export async function createServer(config: Config, opts: { database?: Database; features?: Feature[]; logger?: boolean | object } = {}) {
  const database = opts.database ?? (await prepareDatabase(config));
  const jobs = new JobQueue(database.db, { pollMs: 1000 });
  const features = opts.features ?? allFeatures();
  for (const f of features) await f.jobs?.(jobs);
  const app = await buildApp({ config, database, services: { jobs, cookieKey: await cookieKey(database.db) }, features, ...(opts.logger !== undefined ? { logger: opts.logger } : {}) });
  jobs.setLogger((msg, extra) => app.log.warn(extra ?? {}, msg));
  return { app, database, jobs };
}

export async function startServer(config: Config = loadConfig()): Promise<RunningServer> {
  const database = await prepareDatabase(config);
  let demo: Awaited<ReturnType<typeof seedDemo>> | null = null;
  if (config.seedDemo) demo = await seedDemo(database.db);
  const { app, jobs } = await createServer(config, { database });
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (e) {
    await app.close().catch(() => {});
    await database.close().catch(() => {});
    throw e;
  }
  if (config.runWorkers) jobs.start();
  const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = config.publicUrl ?? `http://${shown}:${config.port}`;
  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      await jobs.stop();
      await app.close();
      await database.close();
    })());
  database.lock?.update({ port: config.port });
  printBanner(config, url, database, demo, await isDemoSeeded(database.db));
  return { app, database, jobs, url, stop };
}

function printBanner(config: Config, url: string, database: Database, demo: DemoSummary | null, hasDemo: boolean) {
  const lines = [
    '',
    `Sổ tay đang chạy: ${url}`,
    `Cơ sở dữ liệu: ${database.kind === 'pglite' ? `nhúng (PGlite) tại ${config.dataDir}` : `PostgreSQL ${redactUrl(config.databaseUrl!)}`}`,
  ];
  if (demo?.skipped === 'real_data') lines.push('Cơ sở dữ liệu đã có dữ liệu thật: không nạp dữ liệu mẫu.');
  if (hasDemo) {
    lines.push(demo?.skipped === false ? 'Đã nạp dữ liệu mẫu (Thái Bình, thí điểm 2021).' : 'Dữ liệu mẫu đã có sẵn.', `Đăng nhập thử (mật khẩu cho mọi tài khoản mẫu: ${DEMO_PASSWORD}):`);
    for (const l of DEMO_LOGINS) lines.push(`  ${l.login.padEnd(16)} ${l.who}`);
  }
  lines.push('Dừng: Ctrl+C', '');
  process.stdout.write(lines.join('\n') + '\n');
}
