// Password login: find the account(s) an identifier names (phone, party card number or user
// name), check throttling, verify the argon2id hash, and decide the session kind.
import crypto from 'node:crypto';
import { and, eq, gt, inArray, isNull } from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import type { Db } from '../db/client.ts';
import { accounts, loginTokens, roleAssignments, type Account } from './schema.ts';
import { members, people } from '../../people/schema.ts';
import { normalizePhone } from '../text/vietnamese.ts';
import { verifyAgainstDummy, verifyPassword } from './password.ts';
import { accountSubject, addressClient, deviceClient, identifierSubject, recordLoginFailure, recordLoginSuccess, throttleWait, type LoginClient } from './throttle.ts';
import { hasStaffRole } from '../policy/policy.ts';
import { hashToken, type SessionKind } from './sessions.ts';
import { audit, type ActingContext } from '../audit/audit.ts';

export type LoginResult =
  | { ok: true; account: Account; kind: SessionKind; needsSecondFactor: boolean }
  | { ok: false; reason: 'invalid' | 'ambiguous' }
  | { ok: false; reason: 'throttled'; waitMs: number };

export const normalizeCardNumber = (s: string) => s.replace(/[\s.]/g, '').toUpperCase();

/**
 * Accounts an identifier may name. A phone shared by a couple names both. Three separate
 * indexed lookups (user name, phone, card number): one OR across the joined tables would scan them.
 */
export async function candidateAccounts(db: Db, identifier: string): Promise<Account[]> {
  const id = identifier.normalize('NFC').trim();
  if (!id || id.length > 100) return [];
  const phone = normalizePhone(id);
  const card = normalizeCardNumber(id);
  const ids = new Set<number>();
  for (const r of await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.username, id.toLowerCase()))) ids.add(r.id);
  if (phone) for (const r of await db.select({ id: accounts.id }).from(people).innerJoin(accounts, eq(accounts.personId, people.id)).where(eq(people.phone, phone))) ids.add(r.id);
  if (card) for (const r of await db.select({ id: accounts.id }).from(members).innerJoin(accounts, eq(accounts.personId, members.personId)).where(eq(members.cardNumber, card))) ids.add(r.id);
  if (ids.size === 0) return [];
  const rows = await db.select().from(accounts).where(inArray(accounts.id, [...ids]));
  return rows.filter((a) => !a.disabled && a.passwordHash);
}

export async function sessionKindFor(db: Db, accountId: number): Promise<SessionKind> {
  const roles = await db
    .select({ role: roleAssignments.role })
    .from(roleAssignments)
    .where(and(eq(roleAssignments.accountId, accountId), isNull(roleAssignments.revokedAt)));
  return hasStaffRole(roles.map((r) => r.role)) ? 'staff' : 'device';
}

/** More accounts than this on one identifier (a shared phone) must log in by card number instead. */
export const MAX_CANDIDATES = 4;

export type LoginAttempt = { identifier: string; password: string; ip: string; device: { id: string | null; trustedAccountIds: number[] } };

/** The throttling client for an account: its trusted device when this browser is one, else its address. */
export function loginClientFor(accountId: number, attempt: Pick<LoginAttempt, 'ip' | 'device'>): LoginClient {
  return attempt.device.id && attempt.device.trustedAccountIds.includes(accountId) ? deviceClient(attempt.device.id) : addressClient(attempt.ip);
}

export async function authenticate(db: Db, input: LoginAttempt): Promise<LoginResult> {
  const candidates = (await candidateAccounts(db, input.identifier)).sort((a, b) => a.id - b.id);
  if (candidates.length > MAX_CANDIDATES) return { ok: false, reason: 'ambiguous' };
  if (candidates.length === 0) {
    // Throttle identifiers that name nobody exactly like real ones, so answers reveal nothing.
    const subject = identifierSubject(input.identifier);
    const client = addressClient(input.ip);
    const wait = await throttleWait(db, subject, client);
    if (wait > 0) return { ok: false, reason: 'throttled', waitMs: wait };
    await verifyAgainstDummy(input.password);
    await recordLoginFailure(db, subject, client);
    return { ok: false, reason: 'invalid' };
  }
  let longestWait = 0;
  const tried: Account[] = [];
  const matched: Account[] = [];
  for (const acc of candidates) {
    const wait = await throttleWait(db, accountSubject(acc.id), loginClientFor(acc.id, input));
    if (wait > 0) {
      longestWait = Math.max(longestWait, wait);
      continue;
    }
    tried.push(acc);
    if (await verifyPassword(acc.passwordHash!, input.password)) matched.push(acc);
  }
  if (matched.length === 0) {
    // Only a password that matched no one counts as a failure: one spouse's logins never
    // count against the other on a shared phone.
    for (const acc of tried) await recordLoginFailure(db, accountSubject(acc.id), loginClientFor(acc.id, input));
    return longestWait > 0 && tried.length === 0 ? { ok: false, reason: 'throttled', waitMs: longestWait } : { ok: false, reason: 'invalid' };
  }
  if (matched.length > 1) return { ok: false, reason: 'ambiguous' };
  const account = matched[0]!;
  await recordLoginSuccess(db, accountSubject(account.id), loginClientFor(account.id, input));
  await db.update(accounts).set({ lastLoginAt: new Date() }).where(eq(accounts.id, account.id));
  return { ok: true, account, kind: await sessionKindFor(db, account.id), needsSecondFactor: account.totpEnabled };
}

export function totpFor(secret: string, label: string): TOTP {
  return new TOTP({ issuer: 'Sổ tay', label, algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });
}

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

export function checkTotp(secret: string, code: string): boolean {
  const clean = code.replace(/\s/g, '');
  if (!/^\d{6}$/.test(clean)) return false;
  return totpFor(secret, 'x').validate({ token: clean, window: 1 }) !== null;
}

/** Creates a one-time login link for the printable QR card. Returns the secret token. */
export async function createLoginToken(tx: Db, who: ActingContext, accountId: number, days = 30): Promise<{ token: string; expiresAt: Date }> {
  const token = crypto.randomBytes(24).toString('base64url');
  const expiresAt = new Date(Date.now() + days * 24 * 3600 * 1000);
  // A new card replaces the old ones.
  await tx.update(loginTokens).set({ usedAt: new Date() }).where(and(eq(loginTokens.accountId, accountId), isNull(loginTokens.usedAt)));
  await tx.insert(loginTokens).values({ id: hashToken(token), accountId, createdBy: who.accountId ?? 0, expiresAt });
  await audit(tx, who, { action: 'account.login_token_create', entityType: 'account', entityId: accountId, after: { expiresAt } });
  return { token, expiresAt };
}

/** Whether a login card's token can still be used (without using it). */
export async function loginTokenUsable(db: Db, token: string): Promise<boolean> {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) return false;
  const [row] = await db
    .select({ id: loginTokens.id })
    .from(loginTokens)
    .innerJoin(accounts, eq(accounts.id, loginTokens.accountId))
    .where(and(eq(loginTokens.id, hashToken(token)), isNull(loginTokens.usedAt), gt(loginTokens.expiresAt, new Date()), eq(accounts.disabled, false)));
  return !!row;
}

/** Uses a login token once. Returns the account, or null if unknown, used or expired. */
export async function consumeLoginToken(db: Db, token: string, who: ActingContext): Promise<Account | null> {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) return null;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(loginTokens)
      .set({ usedAt: new Date() })
      .where(and(eq(loginTokens.id, hashToken(token)), isNull(loginTokens.usedAt), gt(loginTokens.expiresAt, new Date())))
      .returning();
    if (!row) return null;
    const [acc] = await tx.select().from(accounts).where(eq(accounts.id, row.accountId));
    if (!acc || acc.disabled) return null;
    await audit(tx, { ...who, accountId: acc.id }, { action: 'account.login_token_used', entityType: 'account', entityId: acc.id });
    return acc;
  });
}
