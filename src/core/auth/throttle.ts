// Login throttling that a stranger cannot use to lock a member out, and that does not block a
// village hall's shared Wi-Fi:
//  - per (subject, client): exponential back-off after a few failures. The client is the
//    browser's device id when it has logged in to this account before (a signed cookie a
//    stranger cannot forge), otherwise its address — so a stranger guessing slows only
//    themselves, and the other people behind the same address are untouched;
//  - per subject: a much higher threshold, applied only to clients that are not trusted
//    devices of that account (the member's own phone is never locked out by strangers);
//  - per address: a generous request limit for the login form (see the HTTP layer).
// The subject is an account, or the hash of an identifier that names no account, so unknown
// and known identifiers are throttled alike (the answers do not reveal which exist).
import crypto from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { loginThrottle } from './schema.ts';

export const THROTTLE = {
  perClient: { freeFailures: 5, maxDelayMs: 15 * 60_000 },
  perSubject: { freeFailures: 50, maxDelayMs: 60 * 60_000 },
  forgetAfterMs: 24 * 3600_000,
} as const;

export type LoginClient = { key: string; trusted: boolean };
export const accountSubject = (accountId: number) => `a:${accountId}`;
export const identifierSubject = (identifier: string) => `i:${crypto.createHash('sha256').update(identifier.normalize('NFC').trim().toLowerCase()).digest('hex').slice(0, 32)}`;
export const addressClient = (ip: string): LoginClient => ({ key: `ip:${ip}`, trusted: false });
export const deviceClient = (deviceId: string): LoginClient => ({ key: `d:${deviceId}`, trusted: true });

const clientKey = (subject: string, client: LoginClient) => `c:${subject}:${client.key}`;
const subjectKey = (subject: string) => `s:${subject}`;

function delayFor(failures: number, free: number, max: number): number {
  if (failures < free) return 0;
  return Math.min(max, 1000 * 2 ** (failures - free));
}

/** Milliseconds this client must still wait before trying this subject again (0 = go ahead). */
export async function throttleWait(db: Db, subject: string, client: LoginClient, now = new Date()): Promise<number> {
  const keys = client.trusted ? [clientKey(subject, client)] : [clientKey(subject, client), subjectKey(subject)];
  let wait = 0;
  for (const key of keys) {
    const [row] = await db.select().from(loginThrottle).where(eq(loginThrottle.key, key));
    if (row?.blockedUntil && now.getTime() - row.lastFailureAt.getTime() < THROTTLE.forgetAfterMs) {
      wait = Math.max(wait, row.blockedUntil.getTime() - now.getTime());
    }
  }
  return Math.max(0, wait);
}

async function bump(db: Db, key: string, free: number, max: number, now: Date): Promise<void> {
  const stale = new Date(now.getTime() - THROTTLE.forgetAfterMs);
  const [row] = await db
    .insert(loginThrottle)
    .values({ key, failures: 1, lastFailureAt: now })
    .onConflictDoUpdate({
      target: loginThrottle.key,
      set: {
        failures: sql`case when ${loginThrottle.lastFailureAt} < ${stale} then 1 else ${loginThrottle.failures} + 1 end`,
        lastFailureAt: now,
      },
    })
    .returning();
  const delay = delayFor(row!.failures, free, max);
  await db
    .update(loginThrottle)
    .set({ blockedUntil: delay > 0 ? new Date(now.getTime() + delay) : null })
    .where(eq(loginThrottle.key, key));
}

export async function recordLoginFailure(db: Db, subject: string, client: LoginClient, now = new Date()): Promise<void> {
  await bump(db, clientKey(subject, client), THROTTLE.perClient.freeFailures, THROTTLE.perClient.maxDelayMs, now);
  if (!client.trusted) await bump(db, subjectKey(subject), THROTTLE.perSubject.freeFailures, THROTTLE.perSubject.maxDelayMs, now);
}

export async function recordLoginSuccess(db: Db, subject: string, client: LoginClient): Promise<void> {
  await db.delete(loginThrottle).where(eq(loginThrottle.key, clientKey(subject, client)));
}
