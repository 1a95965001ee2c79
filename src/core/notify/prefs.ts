// A member's notification choices: which channels, for what, the daily digest and quiet hours.
// A member who never opened the settings page has no row and gets the defaults below — also in
// the fan-out's SQL, so 150,000 members without a row cost nothing.
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { audit, type ActingContext } from '../audit/audit.ts';
import { TIME_ZONE } from '../i18n/i18n.ts';
import { invalid } from '../errors.ts';
import { CHANNEL_LEVELS, notificationPrefs, type ChannelLevel } from './schema.ts';

export type Prefs = {
  pushLevel: ChannelLevel;
  emailLevel: ChannelLevel;
  smsLevel: ChannelLevel;
  digest: boolean;
  digestHour: number;
  quietStart: number | null;
  quietEnd: number | null;
};

/**
 * Push and email bring everything (ordinary notices in one daily digest at 18:00); SMS, which
 * costs money, only urgent notices; quiet from 22:00 to 06:00 (HỎA TỐC still comes at once).
 */
export const DEFAULT_PREFS: Prefs = { pushLevel: 'all', emailLevel: 'all', smsLevel: 'urgent', digest: true, digestHour: 18, quietStart: 22, quietEnd: 6 };

export async function getPrefs(db: Db, personId: number): Promise<Prefs & { saved: boolean }> {
  const [row] = await db.select().from(notificationPrefs).where(eq(notificationPrefs.personId, personId));
  if (!row) return { ...DEFAULT_PREFS, saved: false };
  return { pushLevel: row.pushLevel, emailLevel: row.emailLevel, smsLevel: row.smsLevel, digest: row.digest, digestHour: row.digestHour, quietStart: row.quietStart, quietEnd: row.quietEnd, saved: true };
}

/** Checks a set of choices; the messages name the field (for the form). */
export function checkPrefs(p: Prefs): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const k of ['pushLevel', 'emailLevel', 'smsLevel'] as const) if (!CHANNEL_LEVELS.includes(p[k])) errors[k] = 'Hãy chọn một mức.';
  const hour = (h: number | null) => h === null || (Number.isInteger(h) && h >= 0 && h <= 23);
  if (!hour(p.digestHour) || p.digestHour === null) errors.digestHour = 'Hãy chọn giờ nhận bản tin (0–23).';
  if (!hour(p.quietStart)) errors.quietStart = 'Giờ không hợp lệ.';
  if (!hour(p.quietEnd)) errors.quietEnd = 'Giờ không hợp lệ.';
  if ((p.quietStart === null) !== (p.quietEnd === null)) errors[p.quietStart === null ? 'quietStart' : 'quietEnd'] = 'Hãy chọn cả giờ bắt đầu và giờ kết thúc, hoặc chọn "Không có" cho cả hai.';
  else if (p.quietStart !== null && p.quietStart === p.quietEnd) errors.quietEnd = 'Giờ kết thúc phải khác giờ bắt đầu.';
  else if (p.digest && p.quietStart !== null && p.quietEnd !== null && inQuiet(p.digestHour * 3600, p.quietStart, p.quietEnd)) {
    errors.digestHour = `Giờ nhận bản tin (${p.digestHour}:00) nằm trong giờ yên tĩnh (${p.quietStart}:00–${p.quietEnd}:00). Hãy chọn giờ khác.`;
  }
  return errors;
}

export async function savePrefs(db: Db, who: ActingContext, personId: number, p: Prefs): Promise<void> {
  const errors = checkPrefs(p);
  const first = Object.entries(errors)[0];
  if (first) throw invalid(first[1], { field: first[0], errors });
  await db.transaction(async (tx) => {
    const values = { pushLevel: p.pushLevel, emailLevel: p.emailLevel, smsLevel: p.smsLevel, digest: p.digest, digestHour: p.digestHour, quietStart: p.quietStart, quietEnd: p.quietEnd, updatedAt: new Date() };
    await tx.insert(notificationPrefs).values({ personId, ...values }).onConflictDoUpdate({ target: notificationPrefs.personId, set: values });
    await audit(tx, who, { action: 'notification.preferences', entityType: 'person', entityId: personId, after: values });
  });
}

// ---------------------------------------------------------------------------------------------
// The clock in Asia/Ho_Chi_Minh

const clockFormat = new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

/** Seconds since local midnight and the local month ("2025-06") at `now`. */
export function localClock(now: Date): { secondsOfDay: number; month: string } {
  const p = Object.fromEntries(clockFormat.formatToParts(now).map((x) => [x.type, x.value]));
  const hour = Number(p.hour) % 24;
  return { secondsOfDay: hour * 3600 + Number(p.minute) * 60 + Number(p.second), month: `${p.year}-${p.month}` };
}

/** Is the local time `s` (seconds since midnight) within the quiet hours [start, end)? Wraps past midnight. */
export function inQuiet(s: number, start: number, end: number): boolean {
  const a = start * 3600;
  const b = end * 3600;
  return a < b ? s >= a && s < b : s >= a || s < b;
}

/** Seconds from local time `s` until the next `hour`:00 (0 when it is that very second). */
export function secondsUntil(s: number, hour: number): number {
  return (((hour * 3600 - s) % 86400) + 86400) % 86400;
}
