// Every registered route is either public by declaration or guarded by the policy module,
// and every guarded route refuses an anonymous caller.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, loggedIn, testApp, type TestApp } from './kit/app.ts';

let t: TestApp;
before(async () => {
  t = await testApp({ demo: true });
});
after(() => t.close());

/** Public routes, reviewed one by one: adding a public route means adding it here. */
const PUBLIC = new Set([
  'GET /healthz',
  'GET /readyz',
  'GET /static/:name',
  'POST /prefs',
  'GET /api/v1/openapi.json',
  'GET /login',
  'POST /login',
  'GET /login/totp',
  'POST /login/totp',
  'GET /login/card/:token',
  'POST /login/card/:token',
  'POST /logout',
  'GET /sw.js',
  'GET /manifest.webmanifest',
  'GET /offline',
]);

const concrete = (url: string) => url.replace(/:(\w+)/g, (_m, name: string) => (name === 'token' || name === 'name' ? 'x' : '1'));

test('every route declares its access rule, and only the reviewed ones are public', () => {
  const routes = t.app.sotayRoutes.filter((r) => r.method !== 'HEAD');
  assert.ok(routes.length > 30, `found ${routes.length} routes`);
  const undeclared = routes.filter((r) => !r.access).map((r) => `${r.method} ${r.url}`);
  assert.deepEqual(undeclared, []);
  const publicOnes = routes.filter((r) => r.access && 'public' in r.access).map((r) => `${r.method} ${r.url}`);
  assert.deepEqual(new Set(publicOnes), PUBLIC);
  for (const r of routes) if (r.access && 'public' in r.access) assert.ok(r.access.public.length > 10, `${r.method} ${r.url} says why it is public`);
});

test('every guarded route refuses an anonymous caller', async () => {
  const c = new Client(t.app);
  await c.get('/login'); // obtains the anonymous CSRF token, so refusals are about access, not forgery
  for (const r of t.app.sotayRoutes) {
    if (r.method === 'HEAD' || !r.access || 'public' in r.access) continue;
    const url = concrete(r.url) + (r.url.includes('people') || r.url.includes('audit') ? '?unit=1' : '');
    const res = r.method === 'GET' ? await c.get(url) : await c.request(r.method, url, r.url.startsWith('/api/') ? { json: {} } : { form: {} });
    const refused = res.status === 401 || (res.status === 303 && String(res.headers.location).startsWith('/login'));
    assert.ok(refused || res.status === 400 || res.status === 422, `${r.method} ${r.url} answered ${res.status} to an anonymous caller`);
    if (res.status === 400 || res.status === 422) assert.ok(r.url.startsWith('/api/'), `${r.method} ${r.url}: only API bodies are validated before the login check`);
  }
});

test('a plain member gets no administration page', async () => {
  const c = await loggedIn(t.app, '0912000301');
  for (const r of t.app.sotayRoutes) {
    if (r.method !== 'GET' || !r.access || 'public' in r.access || !r.url.startsWith('/admin')) continue;
    const res = await c.get(concrete(r.url) + '?unit=1');
    assert.ok(res.status === 403 || res.status === 404, `GET ${r.url} answered ${res.status} to a plain member`);
  }
});

test('a form posted without its CSRF token, or from another origin, is refused', async () => {
  const c = await loggedIn(t.app, 'admin');
  const noToken = await c.request('POST', '/admin/units/1/rename', { form: { name: 'X' }, csrf: false });
  assert.equal(noToken.status, 403);
  const foreign = await c.request('POST', '/admin/units/1/rename', { form: { name: 'Tỉnh ủy Thái Bình' }, headers: { origin: 'https://evil.example' } });
  assert.equal(foreign.status, 403);
  const ok = await c.request('POST', '/admin/units/1/rename', { form: { name: 'Tỉnh ủy Thái Bình' } });
  assert.equal(ok.status, 303);
});

test('the OpenAPI document lists the JSON API', async () => {
  const res = await new Client(t.app).get('/api/v1/openapi.json');
  assert.equal(res.status, 200);
  const doc = res.json<{ paths: Record<string, unknown> }>();
  assert.ok(doc.paths['/api/v1/units/{id}']);
  assert.ok(doc.paths['/api/v1/members/{id}']);
  assert.ok(!Object.keys(doc.paths).some((p) => p.startsWith('/admin')), 'HTML routes stay out of the API document');
});

test('health and readiness', async () => {
  const c = new Client(t.app);
  assert.equal((await c.get('/healthz')).status, 200);
  const ready = await c.get('/readyz');
  assert.equal(ready.status, 200);
  assert.equal(ready.json<{ status: string }>().status, 'ready');
});

test('an address that matches no route is a plain 404, for visitors and members alike', async () => {
  for (const c of [new Client(t.app), await loggedIn(t.app, '0912000301')]) {
    for (const url of ['/favicon.ico', '/robots.txt', '/khong-co-trang-nay', '/admin/people/15/edit']) {
      const res = await c.get(url);
      assert.equal(res.status, 404, url);
    }
    const api = await c.get('/api/v1/khong-co');
    assert.equal(api.status, 404);
    assert.equal(api.json<{ error: { code: string } }>().error.code, 'not_found');
  }
  const post = await (await loggedIn(t.app, '0912000301')).post('/khong-co', {});
  assert.equal(post.status, 404);
});
