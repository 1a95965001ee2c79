// The shared test kit: an app on a real test database, and a client that logs in through the
// real login form and carries cookies and CSRF tokens the way a browser does.
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../src/core/config.ts';
import { createServer } from '../../src/server.ts';
import { testDatabase, type TestDatabase } from './db.ts';
import { DEMO_PASSWORD } from '../../src/demo/demo.ts';

export type TestApp = { app: FastifyInstance; database: TestDatabase; config: Config; close: () => Promise<void> };

export function testConfig(extra: Record<string, string> = {}): Config {
  return loadConfig({ SOTAY_DATA_DIR: '.test-artifacts/unused', SOTAY_LOG_LEVEL: 'silent', SOTAY_WORKERS: 'false', ...extra });
}

/**
 * Runs what a fresh server queues at its first start (the VAPID key pair), so a test that
 * counts the jobs it caused counts only those.
 */
export async function finishStartup(jobs: { runOnce: () => Promise<number> }): Promise<void> {
  for (let i = 0; i < 10 && (await jobs.runOnce()) > 0; i++);
}

export async function testApp(opts: { demo?: boolean; config?: Record<string, string> } = {}): Promise<TestApp> {
  const database = await testDatabase({ demo: opts.demo ?? true });
  const config = testConfig(opts.config);
  const { app, jobs } = await createServer(config, { database, logger: false });
  await app.ready();
  await finishStartup(jobs);
  return {
    app,
    database,
    config,
    close: async () => {
      await jobs.stop();
      await app.close();
      await database.close();
    },
  };
}

export type Response = { status: number; body: string; headers: Record<string, string | string[] | number | undefined>; json: <T = unknown>() => T };

export class Client {
  cookies = new Map<string, string>();
  csrf = '';
  constructor(readonly app: FastifyInstance) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private absorb(headers: Record<string, unknown>): void {
    const set = headers['set-cookie'];
    const list = Array.isArray(set) ? set : set ? [String(set)] : [];
    for (const c of list) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (/Expires=Thu, 01 Jan 1970/i.test(c) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private remember(body: string): void {
    const m = /name="_csrf" value="([^"]+)"/.exec(body);
    if (m) this.csrf = m[1]!;
  }

  async request(method: string, url: string, opts: { form?: Record<string, string | string[]>; json?: unknown; headers?: Record<string, string>; csrf?: boolean } = {}): Promise<Response> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (this.cookies.size) headers.cookie = this.cookieHeader();
    let payload: string | undefined;
    if (opts.form) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(opts.form)) for (const x of Array.isArray(v) ? v : [v]) params.append(k, x);
      if (opts.csrf !== false && !('_csrf' in opts.form)) params.append('_csrf', this.csrf);
      payload = params.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else if (opts.json !== undefined) {
      payload = JSON.stringify(opts.json);
      headers['content-type'] = 'application/json';
      if (opts.csrf !== false) headers['x-csrf-token'] = this.csrf;
    }
    const res = await this.app.inject({ method: method as 'GET', url, headers, ...(payload !== undefined ? { payload } : {}) });
    this.absorb(res.headers as Record<string, unknown>);
    this.remember(res.body);
    return { status: res.statusCode, body: res.body, headers: res.headers as Response['headers'], json: <T,>() => JSON.parse(res.body) as T };
  }

  get(url: string) {
    return this.request('GET', url);
  }
  post(url: string, form: Record<string, string | string[]> = {}) {
    return this.request('POST', url, { form });
  }

  /** Logs in through the real form. Returns the response of the login POST. */
  async login(identifier: string, password = DEMO_PASSWORD): Promise<Response> {
    await this.get('/login');
    const res = await this.post('/login', { identifier, password });
    // Follow the redirects like a browser, so the page's CSRF token belongs to the new session.
    let next = res.status === 303 ? String(res.headers.location) : null;
    for (let i = 0; next && i < 3; i++) {
      const page = await this.get(next);
      next = page.status === 303 ? String(page.headers.location) : null;
    }
    return res;
  }
}

export async function loggedIn(app: FastifyInstance, identifier: string, password?: string): Promise<Client> {
  const c = new Client(app);
  const res = await c.login(identifier, password);
  if (res.status !== 303) throw new Error(`login as ${identifier} failed with ${res.status}`);
  return c;
}

/** Strips tags, for asserting on visible text. */
export const text = (html: string) => html.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<[^>]+>/g, ' ').replace(/&amp;/g, '&').replace(/\s+/g, ' ');
