// Account commands: create, change and reset passwords, two-factor, roles. Each runs in one
// transaction with its audit entry.
import crypto from 'node:crypto';
import { and, eq, isNull, ne } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { accounts, loginTokens, roleAssignments, sessions, type Account, type Role } from './schema.ts';
import { hasStaffRole } from '../policy/policy.ts';
import { units } from '../../org/schema.ts';
import { members, people } from '../../people/schema.ts';
import { hashPassword, passwordProblem, temporaryPassword, verifyPassword } from './password.ts';
import { audit, type ActingContext } from '../audit/audit.ts';
import { conflict, invalid, notFound } from '../errors.ts';

export async function getAccount(db: Db, id: number): Promise<Account> {
  const [acc] = await db.select().from(accounts).where(eq(accounts.id, id));
  if (!acc) throw notFound('tài khoản');
  return acc;
}

export async function accountOfPerson(db: Db, personId: number): Promise<Account | undefined> {
  const [acc] = await db.select().from(accounts).where(eq(accounts.personId, personId));
  return acc;
}

export async function createAccount(
  tx: Db,
  who: ActingContext,
  input: { personId: number; username?: string | null; password?: string | null; passwordHash?: string | null; mustChangePassword?: boolean },
): Promise<Account> {
  if (await accountOfPerson(tx, input.personId)) throw conflict('Người này đã có tài khoản.');
  const username = input.username?.trim().toLowerCase() || null;
  if (username) {
    if (!/^[a-z][a-z0-9._-]{2,40}$/.test(username)) throw invalid('Tên đăng nhập chỉ gồm chữ không dấu, số, dấu chấm, gạch; 3–41 ký tự, bắt đầu bằng chữ.');
    const [dup] = await tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.username, username));
    if (dup) throw conflict(`Tên đăng nhập "${username}" đã có người dùng.`);
  }
  const passwordHash = input.passwordHash ?? (input.password ? await hashPassword(input.password) : null);
  const [acc] = await tx
    .insert(accounts)
    .values({ personId: input.personId, username, passwordHash, mustChangePassword: input.mustChangePassword ?? true })
    .returning();
  await audit(tx, who, { action: 'account.create', entityType: 'account', entityId: acc!.id, after: { personId: acc!.personId, username } });
  return acc!;
}

export async function changeOwnPassword(db: Db, who: ActingContext, accountId: number, current: string | null, next: string, keepSessionId?: string): Promise<void> {
  const acc = await getAccount(db, accountId);
  if (!acc.mustChangePassword || current != null) {
    if (!acc.passwordHash || current == null || !(await verifyPassword(acc.passwordHash, current))) throw invalid('Mật khẩu hiện tại không đúng.', { field: 'current' });
  }
  const [ctx] = await db
    .select({ phone: people.phone, cardNumber: members.cardNumber })
    .from(people)
    .leftJoin(members, eq(members.personId, people.id))
    .where(eq(people.id, acc.personId));
  const problem = passwordProblem(next, ctx ?? {});
  if (problem) throw invalid(problem, { field: 'password' });
  if (acc.passwordHash && (await verifyPassword(acc.passwordHash, next))) throw invalid('Mật khẩu mới phải khác mật khẩu hiện tại.', { field: 'password', code: 'same' });
  const hash = await hashPassword(next);
  await db.transaction(async (tx) => {
    await tx.update(accounts).set({ passwordHash: hash, mustChangePassword: false, passwordChangedAt: new Date() }).where(eq(accounts.id, accountId));
    await voidLoginTokens(tx, accountId);
    await tx.update(sessions).set({ revokedAt: new Date() }).where(and(eq(sessions.accountId, accountId), isNull(sessions.revokedAt), keepSessionId ? neSession(keepSessionId) : undefined));
    await audit(tx, who, { action: 'account.password_change', entityType: 'account', entityId: accountId });
  });
}

const neSession = (id: string) => ne(sessions.id, id);

/** Sets a temporary password (shown once to whoever reset it) and logs the account out everywhere. */
export async function resetPassword(db: Db, who: ActingContext, accountId: number): Promise<string> {
  await getAccount(db, accountId);
  const temp = temporaryPassword(crypto.randomBytes);
  const hash = await hashPassword(temp);
  await db.transaction(async (tx) => {
    await tx.update(accounts).set({ passwordHash: hash, mustChangePassword: true, passwordChangedAt: new Date() }).where(eq(accounts.id, accountId));
    await revokeAllSessions(tx, accountId);
    // A printed login card may be what was lost: it stops working too.
    await voidLoginTokens(tx, accountId);
    await audit(tx, who, { action: 'account.password_reset', entityType: 'account', entityId: accountId });
  });
  return temp;
}

/** Unused login cards of an account stop working. */
export async function voidLoginTokens(tx: Db, accountId: number): Promise<void> {
  await tx.update(loginTokens).set({ usedAt: new Date() }).where(and(eq(loginTokens.accountId, accountId), isNull(loginTokens.usedAt)));
}

export async function revokeAllSessions(tx: Db, accountId: number, onlyKind?: 'device' | 'staff'): Promise<void> {
  await tx
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(sessions.accountId, accountId), isNull(sessions.revokedAt), onlyKind ? eq(sessions.kind, onlyKind) : undefined));
}

export async function setTotp(db: Db, who: ActingContext, accountId: number, secret: string | null): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.update(accounts).set({ totpSecret: secret, totpEnabled: secret != null }).where(eq(accounts.id, accountId));
    await audit(tx, who, { action: secret ? 'account.totp_enable' : 'account.totp_disable', entityType: 'account', entityId: accountId });
  });
}

export async function setDisabled(db: Db, who: ActingContext, accountId: number, disabled: boolean): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.update(accounts).set({ disabled }).where(eq(accounts.id, accountId));
    if (disabled) {
      await revokeAllSessions(tx, accountId);
      await voidLoginTokens(tx, accountId);
    }
    await audit(tx, who, { action: disabled ? 'account.disable' : 'account.enable', entityType: 'account', entityId: accountId });
  });
}

export type ActiveGrant = { id: number; role: Role; unitId: number | null; unitName: string | null; unitPath: string | null };

export async function activeGrants(db: Db, accountId: number): Promise<ActiveGrant[]> {
  return db
    .select({ id: roleAssignments.id, role: roleAssignments.role, unitId: roleAssignments.unitId, unitName: units.name, unitPath: units.path })
    .from(roleAssignments)
    .leftJoin(units, eq(units.id, roleAssignments.unitId))
    .where(and(eq(roleAssignments.accountId, accountId), isNull(roleAssignments.revokedAt)));
}

export async function grantRole(tx: Db, who: ActingContext, input: { accountId: number; role: Role; unitId: number | null }): Promise<void> {
  if ((input.role === 'system_admin') !== (input.unitId == null)) throw invalid('Vai trò này phải gắn với một đơn vị (trừ quản trị hệ thống).');
  if (input.unitId != null) {
    const [u] = await tx.select().from(units).where(eq(units.id, input.unitId));
    if (!u) throw notFound('đơn vị');
    if (u.status !== 'active') throw invalid('Không thể giao vai trò ở đơn vị đã đóng.');
    if ((input.role === 'cell_secretary' || input.role === 'cell_deputy') && u.kind !== 'cell') throw invalid('Bí thư, phó bí thư chi bộ phải gắn với một chi bộ.');
    if (input.role === 'cell_secretary' || input.role === 'cell_deputy') {
      const [m] = await tx
        .select({ unitId: members.unitId, temporaryUnitId: members.temporaryUnitId, status: members.status })
        .from(accounts)
        .innerJoin(members, eq(members.personId, accounts.personId))
        .where(eq(accounts.id, input.accountId));
      const attends = m && (m.status === 'active' || m.status === 'temporarily_transferred') && (m.unitId === u.id || m.temporaryUnitId === u.id);
      if (!attends) throw invalid('Bí thư, phó bí thư phải là đảng viên đang sinh hoạt ở chính chi bộ đó.');
    }
  }
  const existing = (await activeGrants(tx, input.accountId)).find((g) => g.role === input.role && g.unitId === input.unitId);
  if (existing) throw conflict('Tài khoản đã có vai trò này ở đơn vị này.');
  await tx.insert(roleAssignments).values({ accountId: input.accountId, role: input.role, unitId: input.unitId, grantedBy: who.accountId });
  // Staff sessions are short: a long-lived member session must not carry a new staff role.
  if (hasStaffRole([input.role])) await revokeAllSessions(tx, input.accountId, 'device');
  await audit(tx, who, { action: 'role.grant', entityType: 'account', entityId: input.accountId, unitId: input.unitId, after: { role: input.role, unitId: input.unitId } });
}

export async function revokeRole(tx: Db, who: ActingContext, grantId: number): Promise<void> {
  const [g] = await tx.select().from(roleAssignments).where(and(eq(roleAssignments.id, grantId), isNull(roleAssignments.revokedAt)));
  if (!g) throw notFound('vai trò');
  await tx.update(roleAssignments).set({ revokedAt: new Date() }).where(eq(roleAssignments.id, grantId));
  await audit(tx, who, { action: 'role.revoke', entityType: 'account', entityId: g.accountId, unitId: g.unitId, before: { role: g.role, unitId: g.unitId } });
}

/**
 * When a member stops serving where they held roles (suspended, transferred out, deceased, or
 * transferred to another cell), their roles there end in the same transaction, and their
 * sessions are closed so no page they have open keeps the old rights.
 */
export async function endRolesOfPerson(tx: Db, who: ActingContext, personId: number, scope: { tree: 'party' } | { unitId: number; roles: Role[] }, opts: { disable?: boolean } = {}): Promise<number> {
  const acc = await accountOfPerson(tx, personId);
  if (!acc) return 0;
  const grants = await tx
    .select({ id: roleAssignments.id, role: roleAssignments.role, unitId: roleAssignments.unitId, tree: units.tree })
    .from(roleAssignments)
    .leftJoin(units, eq(units.id, roleAssignments.unitId))
    .where(and(eq(roleAssignments.accountId, acc.id), isNull(roleAssignments.revokedAt)));
  const ending = grants.filter((g) => ('tree' in scope ? g.tree === 'party' : g.unitId === scope.unitId && scope.roles.includes(g.role)));
  for (const g of ending) {
    await tx.update(roleAssignments).set({ revokedAt: new Date() }).where(eq(roleAssignments.id, g.id));
    await audit(tx, who, { action: 'role.revoke', entityType: 'account', entityId: acc.id, unitId: g.unitId, before: { role: g.role, unitId: g.unitId }, after: { reason: 'member_status' } });
  }
  if (ending.length > 0 || opts.disable) await revokeAllSessions(tx, acc.id);
  if (opts.disable) {
    await tx.update(accounts).set({ disabled: true }).where(eq(accounts.id, acc.id));
    await voidLoginTokens(tx, acc.id);
    await audit(tx, who, { action: 'account.disable', entityType: 'account', entityId: acc.id, after: { reason: 'member_status' } });
  }
  return ending.length;
}
