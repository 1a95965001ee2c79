// Values generated once and kept in the database (so every instance shares them).
import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from './client.ts';
import { settings } from '../jobs/schema.ts';

export async function getOrCreateSetting<T>(db: Db, key: string, create: () => T): Promise<T> {
  await db.insert(settings).values({ key, value: create() as object }).onConflictDoNothing({ target: settings.key });
  const [row] = await db.select().from(settings).where(eq(settings.key, key));
  return row!.value as T;
}

export async function cookieKey(db: Db): Promise<Buffer> {
  const hex = await getOrCreateSetting(db, 'cookie_key', () => crypto.randomBytes(32).toString('hex'));
  return Buffer.from(hex, 'hex');
}
