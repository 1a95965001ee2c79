// Sessions live in the database so that several app instances serve the same users.
// The cookie holds a random token; the table holds only its SHA-256.
import crypto from 'node:crypto';
import { and, eq, gt, isNull, lt, or, isNotNull } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { accounts, sessions, type Account } from './schema.ts';

export const SESSION_COOKIE = 'sotay_sid';
export type SessionKind = 'device' | 'staff';

const DAY = 24 * 3600 * 1000;
/** Members keep their phone logged in for months; staff sessions are short. */
export const SESSION_POLICY = {
  device: { absoluteMs: 180 * DAY, idleMs: 60 * DAY },
  staff: { absoluteMs: 12 * 3600 * 1000, idleMs: 2 * 3600 * 1000 },
} as const;

export const hashToken = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

export type SessionRow = typeof sessions.$inferSelect;

function expiry(kind: SessionKind, createdAt: Date, now: Date): Date {
  const p = SESSION_POLICY[kind];
  return new Date(Math.min(createdAt.getTime() + p.absoluteMs, now.getTime() + p.idleMs));
}

export async function createSession(
  db: Db,
  input: { accountId: number; kind: SessionKind; ip?: string | null; userAgent?: string | null; pendingSecondFactor?: boolean },
): Promise<{ token: string; session: SessionRow }> {
  const token = crypto.randomBytes(32).toString('base64url');
  const now = new Date();
  const [session] = await db
    .insert(sessions)
    .values({
      id: hashToken(token),
      accountId: input.accountId,
      kind: input.kind,
      csrfSecret: crypto.randomBytes(24).toString('base64url'),
      pendingSecondFactor: input.pendingSecondFactor ?? false,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: expiry(input.kind, now, now),
      ip: input.ip ?? null,
      userAgent: input.userAgent?.slice(0, 300) ?? null,
    })
    .returning();
  return { token, session: session! };
}

/** Finds the live session for a cookie token, sliding its idle expiry (at most once a minute). */
export async function resumeSession(db: Db, token: string, now = new Date()): Promise<{ session: SessionRow; account: Account } | null> {
  if (!token || token.length > 100) return null;
  const [row] = await db
    .select({ session: sessions, account: accounts })
    .from(sessions)
    .innerJoin(accounts, eq(accounts.id, sessions.accountId))
    .where(and(eq(sessions.id, hashToken(token)), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)));
  if (!row || row.account.disabled) return null;
  if (now.getTime() - row.session.lastSeenAt.getTime() > 60_000) {
    const expiresAt = expiry(row.session.kind, row.session.createdAt, now);
    await db.update(sessions).set({ lastSeenAt: now, expiresAt }).where(eq(sessions.id, row.session.id));
    row.session.lastSeenAt = now;
    row.session.expiresAt = expiresAt;
  }
  return row;
}

export async function completeSecondFactor(db: Db, sessionId: string): Promise<void> {
  await db.update(sessions).set({ pendingSecondFactor: false }).where(eq(sessions.id, sessionId));
}

export async function revokeSession(db: Db, sessionId: string): Promise<void> {
  await db.update(sessions).set({ revokedAt: new Date() }).where(eq(sessions.id, sessionId));
}

/** Logs an account out everywhere (after a password reset), optionally keeping one session. */
export async function revokeAccountSessions(db: Db, accountId: number, keepSessionId?: string): Promise<void> {
  const all = await db.select({ id: sessions.id }).from(sessions).where(and(eq(sessions.accountId, accountId), isNull(sessions.revokedAt)));
  for (const s of all) if (s.id !== keepSessionId) await revokeSession(db, s.id);
}

export async function listSessions(db: Db, accountId: number): Promise<SessionRow[]> {
  return db.select().from(sessions).where(and(eq(sessions.accountId, accountId), isNull(sessions.revokedAt), gt(sessions.expiresAt, new Date())));
}

/** Deletes sessions that expired or were revoked more than a day ago (a scheduled job). */
export async function purgeSessions(db: Db, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - DAY);
  const gone = await db
    .delete(sessions)
    .where(or(lt(sessions.expiresAt, cutoff), and(isNotNull(sessions.revokedAt), lt(sessions.revokedAt, cutoff))))
    .returning({ id: sessions.id });
  return gone.length;
}

export function csrfToken(session: Pick<SessionRow, 'csrfSecret' | 'id'>): string {
  return crypto.createHmac('sha256', session.csrfSecret).update(`csrf:${session.id}`).digest('base64url');
}
