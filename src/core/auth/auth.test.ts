// Login, throttling, forced password change, two-factor and the QR login card, through HTTP.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { Client, loggedIn, testApp, text, type TestApp } from '../../../test/kit/app.ts';
import { accountByLogin, unitByCode } from '../../../test/kit/demo.ts';
import { accounts, sessions } from './schema.ts';
import { totpFor } from './login.ts';
import { accountSubject, addressClient, recordLoginFailure, throttleWait } from './throttle.ts';
import { auditLog } from '../audit/schema.ts';
import { SESSION_POLICY } from './sessions.ts';

let t: TestApp;
before(async () => {
  t = await testApp({ demo: true });
});
after(() => t.close());

describe('login', () => {
  test('by phone number, party card number or user name', async () => {
    assert.equal((await new Client(t.app).login('0912000301')).status, 303);
    assert.equal((await new Client(t.app).login('admin')).status, 303);
    const acc = await accountByLogin(t.database.db, '0912000301');
    const { members } = await import('../../people/schema.ts');
    const [m] = await t.database.db.select().from(members).where(eq(members.personId, acc.personId));
    assert.ok(m?.cardNumber);
    assert.equal((await new Client(t.app).login(m.cardNumber)).status, 303);
  });

  test('a wrong password gets one clear message and no session', async () => {
    const c = new Client(t.app);
    const res = await c.login('0912000301', 'sai-mat-khau');
    assert.equal(res.status, 401);
    assert.match(text(res.body), /Sai thông tin đăng nhập hoặc mật khẩu/);
    assert.equal((await c.get('/')).status, 303);
  });

  test('a phone shared by an elderly couple with the same password asks for the card number', async () => {
    const res = await new Client(t.app).login('0987000001');
    assert.equal(res.status, 401);
    assert.match(text(res.body), /số thẻ đảng viên/);
  });

  test('members get long-lived device sessions, staff short ones', async () => {
    await loggedIn(t.app, '0912000302');
    await loggedIn(t.app, 'bantochuc');
    const member = await accountByLogin(t.database.db, '0912000302');
    const staff = await accountByLogin(t.database.db, 'bantochuc');
    const [ms] = await t.database.db.select().from(sessions).where(eq(sessions.accountId, member.id));
    const [ss] = await t.database.db.select().from(sessions).where(eq(sessions.accountId, staff.id));
    assert.equal(ms!.kind, 'device');
    assert.equal(ss!.kind, 'staff');
    assert.ok(ms!.expiresAt.getTime() - Date.now() > 30 * 24 * 3600_000);
    assert.ok(ss!.expiresAt.getTime() - Date.now() <= SESSION_POLICY.staff.idleMs + 1000);
  });

  test('session cookies are HttpOnly and SameSite', async () => {
    const c = new Client(t.app);
    await c.get('/login');
    const res = await c.post('/login', { identifier: '0912000301', password: 'sotay2021' });
    const cookies = ([] as string[]).concat(res.headers['set-cookie'] as string[]);
    const sid = cookies.find((x) => x.startsWith('sotay_sid='))!;
    assert.match(sid, /HttpOnly/);
    assert.match(sid, /SameSite=Lax/);
  });

  test('logins are in the audit log', async () => {
    await loggedIn(t.app, 'vanthu.tinhuy');
    const acc = await accountByLogin(t.database.db, 'vanthu.tinhuy');
    const rows = await t.database.db.select().from(auditLog).where(eq(auditLog.actorAccountId, acc.id));
    assert.ok(rows.some((r) => r.action === 'account.login'));
  });
});

describe('throttling', () => {
  test("a stranger's guesses slow the stranger, not the member on their own phone, even behind the same address", async () => {
    const acc = await accountByLogin(t.database.db, '0912000304');
    const subject = accountSubject(acc.id);
    // The member logs in once from their phone: the browser is now a trusted device for this account.
    const phone = new Client(t.app);
    assert.equal((await phone.login('0912000304')).status, 303);
    // A stranger in the same village hall (same address) guesses many times.
    const hall = new Client(t.app);
    for (let i = 0; i < 8; i++) await hall.login('0912000304', `sai-${i}`);
    assert.ok((await throttleWait(t.database.db, subject, addressClient('127.0.0.1'))) > 0, 'the stranger waits');
    for (let i = 0; i < 60; i++) await recordLoginFailure(t.database.db, subject, addressClient('203.0.113.9'));
    // The member, on their trusted phone, logs in at once.
    assert.equal((await phone.login('0912000304')).status, 303);
    // Someone else in the hall logs into their own account freely.
    assert.equal((await hall.login('0912000305')).status, 303);
  });

  test('repeated failures from one client back off and say for how long; unknown logins get the same answers', async () => {
    const c = new Client(t.app);
    let last;
    for (let i = 0; i < 7; i++) last = await c.login('0912000306', 'sai');
    assert.equal(last!.status, 429);
    assert.match(text(last!.body), /tạm dừng khoảng \d+ phút/);
    const u = new Client(t.app);
    for (let i = 0; i < 7; i++) last = await u.login('0999999999', 'sai');
    assert.equal(last!.status, 429, 'an identifier that names nobody is throttled alike');
  });

  test("on a shared phone, one spouse's logins never count against the other", async () => {
    const { people } = await import('../../people/schema.ts');
    const couple = await t.database.db.select({ accountId: accounts.id }).from(people).innerJoin(accounts, eq(accounts.personId, people.id)).where(eq(people.phone, '0987000002'));
    assert.equal(couple.length, 2);
    const [husband, wife] = couple.map((c) => c.accountId) as [number, number];
    const { hashPassword } = await import('./password.ts');
    await t.database.db.update(accounts).set({ passwordHash: await hashPassword('mat-khau-chong-1') }).where(eq(accounts.id, husband));
    const c = new Client(t.app);
    for (let i = 0; i < 7; i++) assert.equal((await c.login('0987000002', 'mat-khau-chong-1')).status, 303);
    assert.equal(await throttleWait(t.database.db, accountSubject(wife), addressClient('127.0.0.1')), 0);
    assert.equal((await new Client(t.app).login('0987000002', 'sotay2021')).status, 303, 'the wife logs in with her own password');
  });
});

describe('first login and password reset', () => {
  test('a reset password must be changed at the next login, and the secretary can reset it', async () => {
    const secretary = await loggedIn(t.app, '0912000201');
    const member = await accountByLogin(t.database.db, '0912000301');
    const page = await secretary.post(`/admin/accounts/${member.id}/reset-password`);
    assert.equal(page.status, 200);
    const temp = /class="card secret"><strong>([a-z0-9]+)<\/strong>/.exec(page.body)?.[1];
    assert.ok(temp, 'the temporary password is shown once');
    const c = new Client(t.app);
    assert.equal((await c.login('0912000301', temp)).status, 303);
    const home = await c.get('/');
    assert.equal(home.status, 303);
    assert.equal(home.headers.location, '/account/password');
    const weak = await c.post('/account/password', { password: '123', confirm: '123' });
    assert.equal(weak.status, 422);
    assert.match(text(weak.body), /ít nhất 8 ký tự/);
    const ok = await c.post('/account/password', { password: 'mat-khau-moi-2026', confirm: 'mat-khau-moi-2026' });
    assert.equal(ok.status, 303);
    assert.equal((await c.get('/')).status, 200);
    assert.equal((await new Client(t.app).login('0912000301', 'mat-khau-moi-2026')).status, 303);
  });

  test("a secretary cannot reset a committee member's password", async () => {
    const secretary = await loggedIn(t.app, '0912000201');
    const committee = await accountByLogin(t.database.db, '0912000101');
    assert.equal((await secretary.post(`/admin/accounts/${committee.id}/reset-password`)).status, 403);
  });
});

describe('two-factor', () => {
  test('a staff member turns on TOTP and then needs the code to log in', async () => {
    const c = await loggedIn(t.app, 'thanhuy.quantri');
    const setup = await c.get('/account?totp=setup');
    const secret = /name="secret" value="([A-Z2-7]+)"/.exec(setup.body)?.[1];
    assert.ok(secret);
    const wrong = await c.post('/account/totp/enable', { secret, code: '000000' });
    assert.equal(wrong.status, 422);
    const code = totpFor(secret, 'x').generate();
    assert.equal((await c.post('/account/totp/enable', { secret, code })).status, 303);
    const again = new Client(t.app);
    const login = await again.login('thanhuy.quantri');
    assert.equal(login.headers.location, '/login/totp');
    assert.equal((await again.get('/')).status, 303, 'no access before the code');
    assert.equal((await again.post('/login/totp', { code: '123456' === code ? '654321' : '123456' })).status, 401);
    assert.equal((await again.post('/login/totp', { code: totpFor(secret, 'x').generate() })).status, 303);
    assert.equal((await again.get('/')).status, 200);
  });
});

describe('the login card', () => {
  test('a secretary prints a one-time QR login for a member without a password habit', async () => {
    const secretary = await loggedIn(t.app, '0912000201');
    const cell = await unitByCode(t.database.db, 'TB-DT-1');
    const members = (await secretary.get(`/api/v1/units/${cell.id}/members`)).json<{ members: { personId: number; fullName: string }[] }>().members;
    const tho = members.find((m) => m.fullName === 'Nguyễn Văn Thọ')!;
    const [acc] = await t.database.db.select().from(accounts).where(eq(accounts.personId, tho.personId));
    const card = await secretary.post(`/admin/accounts/${acc!.id}/login-card`);
    assert.equal(card.status, 200);
    assert.match(card.body, /<svg/);
    const pdf = await secretary.post(`/admin/accounts/${acc!.id}/login-card?format=pdf`);
    assert.equal(pdf.status, 200);
    assert.equal(pdf.headers['content-type'], 'application/pdf');
    // The printed card voided the HTML one; take a fresh token from the domain to use it.
    const { createLoginToken } = await import('./login.ts');
    const { token } = await t.database.db.transaction((tx) => createLoginToken(tx, { accountId: null }, acc!.id));
    const elder = new Client(t.app);
    // Opening the link (or a chat app previewing it) only shows a button; pressing it logs in.
    const confirm = await elder.get(`/login/card/${token}`);
    assert.equal(confirm.status, 200);
    assert.equal((await new Client(t.app).get(`/login/card/${token}`)).status, 200, 'a preview does not use the card');
    const first = await elder.post(`/login/card/${token}`);
    assert.equal(first.status, 303);
    assert.equal((await elder.get('/')).status, 200);
    assert.match(text((await elder.get('/')).body), /Nguyễn Văn Thọ/);
    assert.equal((await new Client(t.app).get(`/login/card/${token}`)).status, 410, 'single use');
  });
});

describe('an expired session', () => {
  test('sends the person back to the login page with a clear message', async () => {
    const c = await loggedIn(t.app, '0912000302');
    const acc = await accountByLogin(t.database.db, '0912000302');
    await t.database.db.update(sessions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(sessions.accountId, acc.id));
    const res = await c.get('/');
    assert.equal(res.status, 303);
    assert.match(String(res.headers.location), /expired=1/);
    const page = await c.get(String(res.headers.location));
    assert.match(text(page.body), /Phiên đăng nhập đã hết hạn/);
    const again = await loggedIn(t.app, '0912000302');
    await t.database.db.update(sessions).set({ revokedAt: new Date() }).where(eq(sessions.accountId, acc.id));
    const api = await again.get('/api/v1/units/1');
    assert.equal(api.status, 401);
    assert.equal(api.json<{ error: { code: string } }>().error.code, 'session_expired');
  });
});

describe('the reviewer\'s findings stay fixed', () => {
  test('a password reset voids login cards printed before it', async () => {
    const member = await accountByLogin(t.database.db, '0912000305');
    const { createLoginToken } = await import('./login.ts');
    const { token } = await t.database.db.transaction((tx) => createLoginToken(tx, { accountId: null }, member.id));
    const secretary = await loggedIn(t.app, '0912000205');
    assert.equal((await secretary.post(`/admin/accounts/${member.id}/reset-password`)).status, 200);
    assert.equal((await new Client(t.app).get(`/login/card/${token}`)).status, 410);
  });

  test('"next" cannot send the browser to another site', async () => {
    for (const next of ['//evil.example', '/\\evil.example', '/\t/evil.example', '/\n/evil.example', 'https://evil.example']) {
      const c = new Client(t.app);
      await c.get('/login');
      const res = await c.post('/login', { identifier: '0912000306', password: 'sotay2021', next });
      if (res.status === 303) assert.equal(res.headers.location, '/', `next=${JSON.stringify(next)}`);
    }
  });

  test('a cell secretary recorded as transferred out loses the cell at once', async () => {
    const sec = await loggedIn(t.app, '0912000202');
    const cell = await unitByCode(t.database.db, 'TB-DT-2');
    assert.equal((await sec.get(`/admin/people?unit=${cell.id}`)).status, 200);
    const acc = await accountByLogin(t.database.db, '0912000202');
    const committee = await loggedIn(t.app, '0912000101');
    const res = await committee.post(`/admin/people/${acc.personId}/status`, { change: 'transfer_out', effectiveOn: '01/11/2026' });
    assert.equal(res.status, 303);
    assert.equal((await sec.get(`/admin/people?unit=${cell.id}`)).status, 303, 'the old session is closed');
    const again = new Client(t.app);
    await again.login('0912000202');
    assert.equal((await again.get(`/admin/people?unit=${cell.id}`)).status, 403);
  });

  test("a state-tree administrator cannot pin a role on a party member's account", async () => {
    const member = await accountByLogin(t.database.db, '0912000303');
    const ubnd = await unitByCode(t.database.db, 'TB-UBND');
    const c = await loggedIn(t.app, 'quantri.ubnd');
    assert.equal((await c.post(`/admin/accounts/${member.id}/roles`, { role: 'office_clerk', unitId: String(ubnd.id) })).status, 403);
  });

  test('a deputy cannot reset the secretary, nor print a card for them', async () => {
    const secretary = await accountByLogin(t.database.db, '0912000201');
    const deputy = await loggedIn(t.app, '0913000201');
    assert.equal((await deputy.post(`/admin/accounts/${secretary.id}/reset-password`)).status, 403);
    assert.equal((await deputy.post(`/admin/accounts/${secretary.id}/login-card`)).status, 403);
  });

  test('a new staff role closes long-lived member sessions', async () => {
    const c = await loggedIn(t.app, '0912000306');
    const acc = await accountByLogin(t.database.db, '0912000306');
    const commune = await unitByCode(t.database.db, 'TB-VP');
    const admin = await loggedIn(t.app, 'bantochuc');
    const granted = await admin.post(`/admin/accounts/${acc.id}/roles`, { role: 'committee_member', unitId: String(commune.id) });
    assert.equal(granted.headers.location, `/admin/people/${acc.personId}`);
    assert.equal((await c.get('/')).status, 303, 'the member session is closed');
    await loggedIn(t.app, '0912000306');
    const kinds = (await t.database.db.select().from(sessions).where(eq(sessions.accountId, acc.id))).filter((x) => !x.revokedAt).map((x) => x.kind);
    assert.deepEqual(kinds, ['staff']);
  });
});
