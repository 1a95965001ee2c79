// `sotay users create|reset`: accounts from the command line. This is how a production
// PostgreSQL gets its first administrator (it never receives demo data), and how an
// administrator who lost a password gets back in. Every write goes through the same account
// functions as the web pages, in one transaction, audited with the CLI acting as the system.
import crypto from 'node:crypto';
import { z } from 'zod';
import { and, count, eq, gt, isNull } from 'drizzle-orm';
import { loadConfig } from '../core/config.ts';
import type { Db } from '../core/db/client.ts';
import { prepareDatabase } from '../server.ts';
import { SYSTEM_CONTEXT } from '../core/audit/audit.ts';
import { createAccount, grantRole, resetPassword, setDisabled } from '../core/auth/accounts.ts';
import { hashPassword, passwordProblem, temporaryPassword } from '../core/auth/password.ts';
import { normalizeCardNumber } from '../core/auth/login.ts';
import { accounts, ROLES, sessions, type Role } from '../core/auth/schema.ts';
import { normalizePhone } from '../core/text/vietnamese.ts';
import { createPerson } from '../people/members.ts';
import { members, people } from '../people/schema.ts';
import { units } from '../org/schema.ts';
import { peopleAdminMessages } from '../people/messages.ts';
import { DomainError } from '../core/errors.ts';
import { UsageError } from './main.ts';
import { parseCommandLine } from './args.ts';

export const USERS_HELP = `Quản lý tài khoản từ dòng lệnh. Mọi thao tác được ghi vào nhật ký (người thực hiện: hệ thống).

  sotay users create --name "Họ và tên" (--username TÊN | --phone SỐ_ĐIỆN_THOẠI)
                     [--role system_admin | --role VAI_TRÒ --unit MÃ_ĐƠN_VỊ] [--password-stdin]
      Tạo một người và tài khoản đăng nhập bằng tên đăng nhập hoặc số điện thoại. In ra một mật
      khẩu tạm thời; người dùng phải đổi mật khẩu ở lần đăng nhập đầu tiên. Với --password-stdin,
      mật khẩu được đọc từ đầu vào chuẩn (dòng đầu tiên) thay vì tạo ngẫu nhiên.

  sotay users reset (--username TÊN | --phone SỐ_ĐIỆN_THOẠI | --card SỐ_THẺ_ĐẢNG_VIÊN | --account MÃ_TÀI_KHOẢN)
      Đặt một mật khẩu tạm thời mới (in ra một lần), đăng xuất tài khoản khỏi mọi thiết bị và mở
      lại tài khoản nếu đang bị khóa. Người dùng phải đổi mật khẩu ở lần đăng nhập tiếp theo.
      Một số điện thoại dùng chung (vợ chồng cao tuổi) chỉ ra nhiều người: khi đó lệnh liệt kê họ
      kèm mã tài khoản, hãy chọn bằng --card hoặc --account.

Vai trò (--role):
  system_admin      quản trị hệ thống (không gắn với đơn vị, không dùng --unit)
  unit_admin        quản trị đơn vị            committee_member  cấp ủy viên
  office_clerk      văn thư, văn phòng         cell_secretary    bí thư chi bộ (đơn vị là chi bộ)
  cell_deputy       phó bí thư chi bộ (đơn vị là chi bộ)
  --unit là mã số của đơn vị (số trong địa chỉ trang đơn vị, mục Quản trị › Đơn vị).

Tạo quản trị viên đầu tiên cho một cơ sở dữ liệu PostgreSQL mới:
  DATABASE_URL=postgres://… npx sotay users create --name "Nguyễn Văn An" --username quantri --role system_admin

Cơ sở dữ liệu nhúng chỉ mở được bởi một tiến trình: hãy dừng máy chủ trước khi chạy lệnh này.
`;


/** node:util parseArgs with Vietnamese messages, every string option allowed once. */

const cleanText = (s: string) => s.normalize('NFC').replace(/\s+/g, ' ').trim();

const nameField = z
  .string({ error: 'Thiếu họ tên: --name "Họ và tên".' })
  .transform(cleanText)
  .pipe(
    z
      .string()
      .min(1, { error: 'Họ tên không được để trống.' })
      .max(100, { error: 'Họ tên dài quá 100 ký tự.' })
      .regex(/^[\p{L}\p{M}' -]+$/u, { error: 'Họ tên chỉ gồm chữ cái (có dấu), khoảng trắng, dấu gạch ngang.' })
      .refine((s) => s.split(' ').length >= 2, { error: 'Cần cả họ và tên (ít nhất hai từ), ví dụ "Nguyễn Văn An".' }),
  );

const usernameField = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .pipe(z.string().regex(/^[a-z][a-z0-9._-]{2,40}$/, { error: 'Tên đăng nhập chỉ gồm chữ không dấu, số, dấu chấm, gạch; 3–41 ký tự, bắt đầu bằng chữ.' }));

const phoneField = z.string().transform((s, ctx) => {
  const phone = normalizePhone(s);
  if (!phone) {
    ctx.addIssue({ code: 'custom', message: `Số điện thoại "${s}" không hợp lệ: cần 10 chữ số, bắt đầu bằng 0 (hoặc +84).` });
    return z.NEVER;
  }
  return phone;
});

const cardField = z.string().transform((s, ctx) => {
  const card = normalizeCardNumber(s);
  if (!/^\d{6,12}$/.test(card)) {
    ctx.addIssue({ code: 'custom', message: `Số thẻ đảng viên "${s}" không hợp lệ: gồm 6–12 chữ số.` });
    return z.NEVER;
  }
  return card;
});

const roleField = z.enum(ROLES, { error: (issue) => `Vai trò không hợp lệ: "${String(issue.input)}". Chọn một trong: ${ROLES.join(', ')}.` });

const unitField = z
  .string()
  .regex(/^\d{1,9}$/, { error: 'Mã đơn vị (--unit) phải là một số nguyên dương: số trong địa chỉ trang đơn vị, mục Quản trị › Đơn vị.' })
  .transform(Number)
  .pipe(z.number().int().positive({ error: 'Mã đơn vị (--unit) phải là một số nguyên dương.' }));

export const createSchema = z
  .object({
    name: nameField,
    username: usernameField.optional(),
    phone: phoneField.optional(),
    role: roleField.optional(),
    unit: unitField.optional(),
    'password-stdin': z.boolean().optional(),
  })
  .superRefine((v, ctx) => {
    if (v.username === undefined && v.phone === undefined) ctx.addIssue({ code: 'custom', message: 'Cần cách đăng nhập: --username TÊN hoặc --phone SỐ_ĐIỆN_THOẠI.' });
    if (v.username !== undefined && v.phone !== undefined) ctx.addIssue({ code: 'custom', message: 'Chỉ chọn một cách đăng nhập: --username hoặc --phone, không cả hai.' });
    if (v.role === 'system_admin' && v.unit !== undefined) ctx.addIssue({ code: 'custom', message: 'Quản trị hệ thống không gắn với đơn vị: bỏ --unit.' });
    if (v.role && v.role !== 'system_admin' && v.unit === undefined) ctx.addIssue({ code: 'custom', message: `Vai trò ${v.role} gắn với một đơn vị: thêm --unit MÃ_ĐƠN_VỊ.` });
    if (!v.role && v.unit !== undefined) ctx.addIssue({ code: 'custom', message: '--unit chỉ dùng cùng --role.' });
  });
export type CreateUserInput = z.infer<typeof createSchema>;

const accountField = z
  .string()
  .regex(/^\d{1,9}$/, { error: 'Mã tài khoản (--account) phải là một số nguyên dương.' })
  .transform(Number)
  .pipe(z.number().int().positive({ error: 'Mã tài khoản (--account) phải là một số nguyên dương.' }));

export const resetSchema = z
  .object({ username: usernameField.optional(), phone: phoneField.optional(), card: cardField.optional(), account: accountField.optional() })
  .superRefine((v, ctx) => {
    const given = [v.username, v.phone, v.card, v.account].filter((x) => x !== undefined).length;
    if (given === 0) ctx.addIssue({ code: 'custom', message: 'Cần chỉ ra tài khoản: --username TÊN, --phone SỐ_ĐIỆN_THOẠI, --card SỐ_THẺ hoặc --account MÃ_TÀI_KHOẢN.' });
    if (given > 1) ctx.addIssue({ code: 'custom', message: 'Chỉ dùng một trong --username, --phone, --card, --account.' });
  });
export type ResetUserInput = z.infer<typeof resetSchema>;

function validate<T>(schema: z.ZodType<T>, raw: unknown): T {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const messages = [...new Set(r.error.issues.map((i) => i.message))];
  throw new UsageError(messages.join('\n'));
}

export function parseCreateArgs(argv: string[]): CreateUserInput {
  const { values } = parseCommandLine(argv, { name: { type: 'string' }, username: { type: 'string' }, phone: { type: 'string' }, role: { type: 'string' }, unit: { type: 'string' }, 'password-stdin': { type: 'boolean' } });
  return validate(createSchema, values);
}

export function parseResetArgs(argv: string[]): ResetUserInput {
  const { values } = parseCommandLine(argv, { username: { type: 'string' }, phone: { type: 'string' }, card: { type: 'string' }, account: { type: 'string' } });
  return validate(resetSchema, values);
}

export type CreatedUser = { accountId: number; personId: number; fullName: string; login: string; role: Role | null; unitName: string | null; temporaryPassword: string | null; phoneSharedWith: string[] };

/** Creates the person, the account and the role in one transaction. */
export async function createUser(db: Db, input: CreateUserInput, password: string | null = null): Promise<CreatedUser> {
  if (password != null) {
    const problem = passwordProblem(password, { phone: input.phone ?? null });
    if (problem) throw new UsageError(`Mật khẩu đọc từ đầu vào chuẩn không dùng được: ${problem}`);
  }
  let unitName: string | null = null;
  if (input.unit !== undefined) {
    const [u] = await db.select().from(units).where(eq(units.id, input.unit));
    if (!u) throw new DomainError('not_found', `Không có đơn vị mã số ${input.unit}. Xem mã số ở trang Quản trị › Đơn vị.`);
    unitName = u.name;
  }
  const temp = password == null ? temporaryPassword(crypto.randomBytes) : null;
  const passwordHash = await hashPassword(password ?? temp!);
  const phoneSharedWith = input.phone
    ? (await db.select({ name: people.fullName }).from(accounts).innerJoin(people, eq(people.id, accounts.personId)).where(eq(people.phone, input.phone))).map((r) => r.name)
    : [];
  const who = SYSTEM_CONTEXT;
  const account = await db.transaction(async (tx) => {
    const person = await createPerson(tx, who, { fullName: input.name, birthDate: null, gender: null, phone: input.phone ?? null, email: null, phoneKind: input.phone ? 'smartphone' : 'none' });
    const acc = await createAccount(tx, who, { personId: person.id, username: input.username ?? null, passwordHash, mustChangePassword: password == null });
    if (input.role) await grantRole(tx, who, { accountId: acc.id, role: input.role, unitId: input.unit ?? null });
    return acc;
  });
  return { accountId: account.id, personId: account.personId, fullName: input.name, login: input.username ?? input.phone!, role: input.role ?? null, unitName, temporaryPassword: temp, phoneSharedWith };
}

export type ResetUser = { accountId: number; fullName: string; username: string | null; phone: string | null; cardNumber: string | null; temporaryPassword: string; sessionsRevoked: number; wasDisabled: boolean };

/** Finds exactly one account, sets a temporary password and logs it out everywhere. */
export async function resetUser(db: Db, input: ResetUserInput): Promise<ResetUser> {
  const cond =
    input.username !== undefined
      ? eq(accounts.username, input.username)
      : input.phone !== undefined
        ? eq(people.phone, input.phone)
        : input.card !== undefined
          ? eq(members.cardNumber, input.card)
          : eq(accounts.id, input.account!);
  const found = await db
    .select({ id: accounts.id, disabled: accounts.disabled, username: accounts.username, fullName: people.fullName, phone: people.phone, cardNumber: members.cardNumber })
    .from(accounts)
    .innerJoin(people, eq(people.id, accounts.personId))
    .leftJoin(members, eq(members.personId, accounts.personId))
    .where(cond)
    .orderBy(accounts.id);
  const what =
    input.username !== undefined
      ? `tên đăng nhập "${input.username}"`
      : input.phone !== undefined
        ? `số điện thoại ${input.phone}`
        : input.card !== undefined
          ? `số thẻ đảng viên ${input.card}`
          : `mã tài khoản ${input.account}`;
  if (found.length === 0) throw new DomainError('not_found', `Không có tài khoản nào với ${what}.`);
  if (found.length > 1) {
    const list = found.map((a) => `${a.fullName} (mã tài khoản ${a.id}${a.cardNumber ? `, thẻ ${a.cardNumber}` : ''})`).join(', ');
    throw new DomainError('conflict', `${what[0]!.toUpperCase()}${what.slice(1)} dùng chung cho ${found.length} tài khoản: ${list}. Hãy chỉ ra một người bằng --account hoặc --card.`);
  }
  const acc = found[0]!;
  const [active] = await db
    .select({ n: count() })
    .from(sessions)
    .where(and(eq(sessions.accountId, acc.id), isNull(sessions.revokedAt), gt(sessions.expiresAt, new Date())));
  // From the command line (the operator's last resort), a reset also reopens a locked account.
  if (acc.disabled) await setDisabled(db, SYSTEM_CONTEXT, acc.id, false);
  const temp = await resetPassword(db, SYSTEM_CONTEXT, acc.id);
  return { accountId: acc.id, fullName: acc.fullName, username: acc.username, phone: acc.phone, cardNumber: acc.cardNumber, temporaryPassword: temp, sessionsRevoked: Number(active?.n ?? 0), wasDisabled: acc.disabled };
}

/** Reads the password from standard input: the first line, without its line break. */
async function readPasswordFromStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Nhập mật khẩu rồi nhấn Enter: ');
  let text = '';
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  process.stdin.pause();
  const line = text.split(/\r?\n/)[0] ?? '';
  if (!line) throw new UsageError('Không đọc được mật khẩu từ đầu vào chuẩn (--password-stdin): dòng đầu trống.');
  return line;
}

const roleName = (role: Role) => peopleAdminMessages('vi').roleNames[role];

export async function usersCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === '-h' || sub === 'help' || rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(USERS_HELP);
    return 0;
  }
  if (sub !== 'create' && sub !== 'reset') {
    process.stderr.write(`${sub ? `Lệnh con không hợp lệ: "${sub}".` : 'Thiếu lệnh con: create hoặc reset.'}\n\n${USERS_HELP}`);
    return 2;
  }
  if (sub === 'create') {
    const input = parseCreateArgs(rest);
    const password = input['password-stdin'] ? await readPasswordFromStdin() : null;
    if (password != null) {
      const problem = passwordProblem(password, { phone: input.phone ?? null });
      if (problem) throw new UsageError(`Mật khẩu đọc từ đầu vào chuẩn không dùng được: ${problem}`);
    }
    const database = await prepareDatabase(loadConfig(), 'users create');
    try {
      const r = await createUser(database.db, input, password);
      const lines = [
        `Đã tạo tài khoản cho ${r.fullName} (mã tài khoản ${r.accountId}).`,
        `Đăng nhập bằng: ${r.login}`,
        `Vai trò: ${r.role ? `${roleName(r.role)}${r.unitName ? ` — ${r.unitName}` : ''}` : 'chưa có (giao vai trò trong trang Quản trị)'}`,
      ];
      if (r.temporaryPassword) lines.push(`Mật khẩu tạm thời: ${r.temporaryPassword}`, 'Người dùng phải đổi mật khẩu ở lần đăng nhập đầu tiên. Mật khẩu này chỉ hiện một lần.');
      else lines.push('Mật khẩu: như đã nhập (không phải đổi ở lần đăng nhập đầu).');
      if (r.phoneSharedWith.length) lines.push(`Lưu ý: số điện thoại này cũng là tên đăng nhập của ${r.phoneSharedWith.join(', ')}; mật khẩu sẽ phân biệt các tài khoản.`);
      process.stdout.write(lines.join('\n') + '\n');
    } finally {
      await database.close();
    }
    return 0;
  }
  const input = parseResetArgs(rest);
  const database = await prepareDatabase(loadConfig(), 'users reset');
  try {
    const r = await resetUser(database.db, input);
    const logins = [r.username, r.phone, r.cardNumber].filter(Boolean).join(', ');
    const lines = [
      `Đã đặt lại mật khẩu cho ${r.fullName} (mã tài khoản ${r.accountId}; đăng nhập bằng: ${logins}).`,
      `Mật khẩu tạm thời: ${r.temporaryPassword}`,
      'Người dùng phải đổi mật khẩu ở lần đăng nhập tiếp theo. Mật khẩu này chỉ hiện một lần.',
      r.sessionsRevoked ? `Đã đăng xuất ${r.sessionsRevoked} phiên đăng nhập đang mở.` : 'Không có phiên đăng nhập nào đang mở.',
    ];
    if (r.wasDisabled) lines.push('Tài khoản đang bị khóa nay đã được mở lại.');
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    await database.close();
  }
  return 0;
}
