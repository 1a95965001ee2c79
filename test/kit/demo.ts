// Finding things in the demo organisation by their stable codes and logins.
import { eq } from 'drizzle-orm';
import type { Db } from '../../src/core/db/client.ts';
import { units } from '../../src/org/schema.ts';
import { members, people } from '../../src/people/schema.ts';
import { accounts } from '../../src/core/auth/schema.ts';

export async function unitByCode(db: Db, code: string) {
  const [u] = await db.select().from(units).where(eq(units.code, code));
  if (!u) throw new Error(`no unit ${code}`);
  return u;
}

export async function unitByName(db: Db, name: string) {
  const [u] = await db.select().from(units).where(eq(units.name, name));
  if (!u) throw new Error(`no unit ${name}`);
  return u;
}

export async function personByPhone(db: Db, phone: string) {
  const [p] = await db.select().from(people).where(eq(people.phone, phone));
  if (!p) throw new Error(`no person with phone ${phone}`);
  return p;
}

export async function accountByLogin(db: Db, login: string) {
  const [a] = /^\d+$/.test(login)
    ? await db.select({ account: accounts }).from(accounts).innerJoin(people, eq(people.id, accounts.personId)).where(eq(people.phone, login))
    : await db.select({ account: accounts }).from(accounts).where(eq(accounts.username, login));
  if (!a) throw new Error(`no account ${login}`);
  return a.account;
}

export async function aMemberOf(db: Db, unitId: number) {
  const [m] = await db.select().from(members).where(eq(members.unitId, unitId)).limit(1);
  if (!m) throw new Error(`no member in ${unitId}`);
  return m;
}
