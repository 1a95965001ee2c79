// `sotay users create|reset`: argument validation (specific Vietnamese messages, exit code 2),
// the account functions behind them on a real database (audited, all or nothing), and the real
// command run as a separate process against a database of its own.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, count, eq, isNull } from 'drizzle-orm';
import { testDatabase, onPostgres, type TestDatabase } from '../../test/kit/db.ts';
import { openDatabase, type Db } from '../core/db/client.ts';
import { auditLog } from '../core/audit/schema.ts';
import { accounts, roleAssignments, sessions } from '../core/auth/schema.ts';
import { authenticate } from '../core/auth/login.ts';
import { createSession } from '../core/auth/sessions.ts';
import { people } from '../people/schema.ts';
import { units } from '../org/schema.ts';
import { DEMO_PASSWORD } from '../demo/demo.ts';
import { DomainError } from '../core/errors.ts';
import { UsageError } from './main.ts';
import { createUser, parseCreateArgs, parseResetArgs, resetUser } from './users.ts';

const login = (db: Db, identifier: string, password: string) => authenticate(db, { identifier, password, ip: 'cli-test', device: { id: null, trustedAccountIds: [] } });
const usage = (fn: () => unknown, message: RegExp) => assert.throws(fn, (e: unknown) => e instanceof UsageError && message.test(e.message), String(message));

test('users create: every argument is checked, with a message that says what is wrong', () => {
  usage(() => parseCreateArgs([]), /Thiếu họ tên: --name "Họ và tên"/);
  usage(() => parseCreateArgs(['--name', 'An', '--username', 'an.nguyen']), /Cần cả họ và tên \(ít nhất hai từ\)/);
  usage(() => parseCreateArgs(['--name', 'Nguyễn Văn 3', '--username', 'an']), /chỉ gồm chữ cái/);
  usage(() => parseCreateArgs(['--name', 'Nguyễn Văn An']), /Cần cách đăng nhập: --username TÊN hoặc --phone/);
  usage(() => parseCreateArgs(['--name', 'Nguyễn Văn An', '--username', 'quantri', '--phone', '0912345678']), /Chỉ chọn một cách đăng nhập/);
  usage(() => parseCreateArgs(['--name', 'Nguyễn Văn An', '--username', 'Quản trị']), /Tên đăng nhập chỉ gồm chữ không dấu/);
  usage(() => parseCreateArgs(['--name', 'Nguyễn Văn An', '--phone', '12345']), /Số điện thoại "12345" không hợp lệ: cần 10 chữ số/);
  usage(() => parseCreateArgs(['--name', 'Nguyễn Văn An', '--username', 'quantri', '--role', 'boss']), /Vai trò không hợp lệ: "boss". Chọn một trong: cell_secretary, .*system_admin/);
  usage(() => parseCreateArgs(['--name', 'Nguyễn Văn An', '--username', 'quantri', '--role', 'system_admin', '--unit', '3']), /Quản trị hệ thống không gắn với đơn vị: bỏ --unit/);
  usage(() => parseCreateArgs(['--name', 'Nguyễn Văn An', '--username', 'quantri', '--role', 'unit_admin']), /Vai trò unit_admin gắn với một đơn vị: thêm --unit/);
  usage(() => parseCreateArgs(['--name', 'Nguyễn Văn An', '--username', 'quantri', '--role', 'unit_admin', '--unit', 'TB']), /Mã đơn vị \(--unit\) phải là một số nguyên dương/);
  usage(() => parseCreateArgs(['--name', 'Nguyễn Văn An', '--username', 'quantri', '--unit', '3']), /--unit chỉ dùng cùng --role/);
  usage(() => parseCreateArgs(['--name', 'Nguyễn Văn An', '--username', 'a', '--username', 'b']), /Tùy chọn --username chỉ được dùng một lần/);
  usage(() => parseCreateArgs(['--name', 'Nguyễn Văn An', '--usernam', 'a']), /Không có tùy chọn --usernam/);
  usage(() => parseCreateArgs(['--name']), /Tùy chọn --name cần một giá trị/);
  usage(() => parseCreateArgs(['--name', 'Nguyễn Văn An', '--username', 'an', 'thừa']), /Thừa tham số "thừa"/);
  usage(() => parseCreateArgs(['--name', 'Nguyễn Văn An', '--password-stdin=x', '--username', 'an']), /Tùy chọn --password-stdin không nhận giá trị/);

  const ok = parseCreateArgs(['--name', '  Nguyễn   Văn   An ', '--phone', '+84 912 345 678', '--role', 'unit_admin', '--unit', '12']);
  assert.deepEqual(ok, { name: 'Nguyễn Văn An', phone: '0912345678', role: 'unit_admin', unit: 12 });
  assert.equal(parseCreateArgs(['--name', 'Nguyễn Văn An', '--username', 'QuanTri']).username, 'quantri');
  assert.equal(parseCreateArgs(['--name', 'Nguyễn Văn An'.normalize('NFD'), '--username', 'an.nguyen']).name, 'Nguyễn Văn An', 'names are stored in NFC');
});

test('users reset: exactly one way to name the account', () => {
  usage(() => parseResetArgs([]), /Cần chỉ ra tài khoản: --username TÊN, --phone SỐ_ĐIỆN_THOẠI, --card SỐ_THẺ hoặc --account/);
  usage(() => parseResetArgs(['--username', 'admin', '--card', '12345678']), /Chỉ dùng một trong --username, --phone, --card, --account/);
  usage(() => parseResetArgs(['--card', '12']), /Số thẻ đảng viên "12" không hợp lệ: gồm 6–12 chữ số/);
  usage(() => parseResetArgs(['--account', '-1']), /Mã tài khoản \(--account\) phải là một số nguyên dương|Tùy chọn --account cần một giá trị/);
  assert.deepEqual(parseResetArgs(['--card', '58.100 012']), { card: '58100012' });
});

let d: TestDatabase;
before(async () => {
  d = await testDatabase({ demo: true });
});
after(() => d.close());

const rows = async (db: Db) => {
  const [p] = await db.select({ n: count() }).from(people);
  const [a] = await db.select({ n: count() }).from(auditLog);
  return { people: p!.n, audit: a!.n };
};

test('create: the first system administrator gets a temporary password to change at first login; every write is audited as the system', async () => {
  const r = await createUser(d.db, parseCreateArgs(['--name', 'Nguyễn Văn Quản', '--username', 'quantri.tinh', '--role', 'system_admin']));
  assert.match(r.temporaryPassword!, /^[a-z2-9]{10}$/);
  const [acc] = await d.db.select().from(accounts).where(eq(accounts.id, r.accountId));
  assert.equal(acc!.mustChangePassword, true);
  const grants = await d.db.select().from(roleAssignments).where(and(eq(roleAssignments.accountId, r.accountId), isNull(roleAssignments.revokedAt)));
  assert.deepEqual(grants.map((g) => [g.role, g.unitId]), [['system_admin', null]]);
  const res = await login(d.db, 'quantri.tinh', r.temporaryPassword!);
  assert.equal(res.ok, true);
  const mine = (await d.db.select().from(auditLog)).filter((e) => (e.entityType === 'account' && e.entityId === String(r.accountId)) || (e.entityType === 'person' && e.entityId === String(r.personId)));
  assert.deepEqual(mine.map((e) => e.action).sort(), ['account.create', 'person.create', 'role.grant']);
  assert.ok(mine.every((e) => e.actorAccountId === null), 'the CLI acts as the system');
  assert.ok(!JSON.stringify(mine).includes(r.temporaryPassword!), 'the password never reaches the log');
});

test('create: a password from standard input is kept as given; a unit role lands on that unit', async () => {
  const [commune] = await d.db.select().from(units).where(eq(units.kind, 'party_grassroots')).limit(1);
  const r = await createUser(d.db, parseCreateArgs(['--name', 'Trần Thị Thư', '--phone', '0911222001', '--role', 'committee_member', '--unit', String(commune!.id)]), 'Song Hồng chảy mãi');
  assert.equal(r.temporaryPassword, null);
  assert.equal(r.unitName, commune!.name);
  // A cell's secretary or deputy must be a member attending that cell: not someone created here.
  const [cell] = await d.db.select().from(units).where(eq(units.kind, 'cell')).limit(1);
  await assert.rejects(createUser(d.db, parseCreateArgs(['--name', 'Lê Văn Phó', '--phone', '0911222003', '--role', 'cell_deputy', '--unit', String(cell!.id)])), (e: unknown) => e instanceof DomainError && /đang sinh hoạt ở chính chi bộ/.test(e.message));
  const [acc] = await d.db.select().from(accounts).where(eq(accounts.id, r.accountId));
  assert.equal(acc!.mustChangePassword, false);
  assert.equal((await login(d.db, '0911 222 001', 'Song Hồng chảy mãi')).ok, true);
  await assert.rejects(createUser(d.db, parseCreateArgs(['--name', 'Trần Thị Thư', '--phone', '0911222002']), '12345678'), (e: unknown) => e instanceof UsageError && /quá dễ đoán/.test(e.message));
});

test('create: an unknown unit, a role the unit cannot hold or a taken user name refuses and writes nothing', async () => {
  const before = await rows(d.db);
  await assert.rejects(createUser(d.db, parseCreateArgs(['--name', 'Lê Văn Mới', '--username', 'moi.a', '--role', 'unit_admin', '--unit', '999999'])), (e: unknown) => e instanceof DomainError && /Không có đơn vị mã số 999999/.test(e.message));
  const [province] = await d.db.select().from(units).where(eq(units.kind, 'party_province')).limit(1);
  await assert.rejects(createUser(d.db, parseCreateArgs(['--name', 'Lê Văn Mới', '--username', 'moi.b', '--role', 'cell_secretary', '--unit', String(province!.id)])), (e: unknown) => e instanceof DomainError && /phải gắn với một chi bộ/.test(e.message));
  await assert.rejects(createUser(d.db, parseCreateArgs(['--name', 'Lê Văn Mới', '--username', 'admin'])), (e: unknown) => e instanceof DomainError && /Tên đăng nhập "admin" đã có người dùng/.test(e.message));
  assert.deepEqual(await rows(d.db), before, 'no person, account, role or audit entry left behind');
});

test('reset: a new temporary password, the old one refused, every session logged out, audited', async () => {
  const [admin] = await d.db.select().from(accounts).where(eq(accounts.username, 'admin'));
  await createSession(d.db, { accountId: admin!.id, kind: 'staff' });
  await createSession(d.db, { accountId: admin!.id, kind: 'staff' });
  await d.db.update(accounts).set({ disabled: true }).where(eq(accounts.id, admin!.id));
  const r = await resetUser(d.db, parseResetArgs(['--username', 'ADMIN']));
  assert.equal(r.accountId, admin!.id);
  assert.equal(r.sessionsRevoked, 2);
  assert.equal(r.wasDisabled, true);
  const open = await d.db.select().from(sessions).where(and(eq(sessions.accountId, admin!.id), isNull(sessions.revokedAt)));
  assert.equal(open.length, 0);
  assert.equal((await login(d.db, 'admin', DEMO_PASSWORD)).ok, false);
  const res = await login(d.db, 'admin', r.temporaryPassword);
  assert.ok(res.ok);
  assert.equal(res.account.mustChangePassword, true);
  const [entry] = await d.db.select().from(auditLog).where(and(eq(auditLog.action, 'account.password_reset'), eq(auditLog.entityId, String(admin!.id))));
  assert.equal(entry!.actorAccountId, null);
});

test('reset: a phone shared by an elderly couple names both, so the command lists them and asks for one', async () => {
  const before = await rows(d.db);
  await assert.rejects(resetUser(d.db, parseResetArgs(['--phone', '0987000001'])), (e: unknown) => e instanceof DomainError && /Số điện thoại 0987000001 dùng chung cho 2 tài khoản: .+ \(mã tài khoản \d+, thẻ \d+\), .+--account hoặc --card/.test(e.message));
  await assert.rejects(resetUser(d.db, parseResetArgs(['--username', 'khong.co'])), (e: unknown) => e instanceof DomainError && /Không có tài khoản nào với tên đăng nhập "khong.co"/.test(e.message));
  assert.deepEqual(await rows(d.db), before);
  const message = await resetUser(d.db, parseResetArgs(['--phone', '0987000001'])).catch((e: Error) => e.message);
  const card = /thẻ (\d+)/.exec(String(message))![1]!;
  const r = await resetUser(d.db, parseResetArgs(['--card', card]));
  assert.equal(r.cardNumber, card);
  assert.equal((await login(d.db, card, r.temporaryPassword)).ok, true);
});

// The real command, as an operator runs it, against a database of its own.
const bin = path.resolve('bin/sotay.js');
function sotay(args: string[], env: Record<string, string>, input?: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { env: { ...process.env, SOTAY_LOG_LEVEL: 'silent', ...env }, input: input ?? '', encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('the command: bad usage exits 2 with the reason, before any database is opened; --help explains', () => {
  const env = { SOTAY_DATA_DIR: path.join(os.tmpdir(), 'sotay-never-created'), DATABASE_URL: '' };
  const bad = sotay(['users', 'create', '--name', 'Nguyễn Văn An', '--role', 'system_admin'], env);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /Cần cách đăng nhập: --username TÊN hoặc --phone SỐ_ĐIỆN_THOẠI\.\nCách dùng: sotay users/);
  const none = sotay(['users'], env);
  assert.equal(none.code, 2);
  assert.match(none.err, /Thiếu lệnh con: create hoặc reset/);
  const help = sotay(['users', '--help'], env);
  assert.equal(help.code, 0);
  assert.match(help.out, /sotay users create --name "Họ và tên"/);
  assert.match(help.out, /Tạo quản trị viên đầu tiên cho một cơ sở dữ liệu PostgreSQL mới/);
  const weak = sotay(['users', 'create', '--name', 'Nguyễn Văn An', '--username', 'quantri', '--password-stdin'], env, 'ngắn\n');
  assert.equal(weak.code, 2);
  assert.match(weak.err, /Mật khẩu đọc từ đầu vào chuẩn không dùng được: Mật khẩu phải có ít nhất 8 ký tự/);
  assert.equal(fs.existsSync(env.SOTAY_DATA_DIR), false, 'nothing was created');
});

test('the command: a fresh database gets its first administrator, who can then be reset', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sotay-users-'));
  const fresh = onPostgres() ? await testDatabase() : null;
  const env: Record<string, string> = fresh ? { DATABASE_URL: fresh.url! } : { SOTAY_DATA_DIR: dir, DATABASE_URL: '' };
  try {
    const created = sotay(['users', 'create', '--name', 'Nguyễn Văn An', '--username', 'quantri', '--role', 'system_admin'], env);
    assert.equal(created.code, 0, created.err);
    assert.match(created.out, /Đã tạo tài khoản cho Nguyễn Văn An \(mã tài khoản \d+\)\.\nĐăng nhập bằng: quantri\nVai trò: Quản trị hệ thống\nMật khẩu tạm thời: [a-z2-9]{10}\n/);
    const first = /Mật khẩu tạm thời: (\S+)/.exec(created.out)![1]!;
    const again = sotay(['users', 'create', '--name', 'Nguyễn Văn An', '--username', 'quantri'], env);
    assert.equal(again.code, 1);
    assert.match(again.err, /^Lỗi: Tên đăng nhập "quantri" đã có người dùng\./);
    const reset = sotay(['users', 'reset', '--username', 'quantri'], env);
    assert.equal(reset.code, 0, reset.err);
    const second = /Mật khẩu tạm thời: (\S+)/.exec(reset.out)![1]!;
    assert.notEqual(second, first);
    const db = fresh ?? (await openDatabase({ kind: 'pglite', dataDir: dir, purpose: 'test' }));
    try {
      assert.equal((await login(db.db, 'quantri', first)).ok, false);
      assert.equal((await login(db.db, 'quantri', second)).ok, true);
    } finally {
      if (!fresh) await db.close();
    }
  } finally {
    await fresh?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
