// Loading the resources that policy rules reason about, from the database.
import { and, eq, isNull } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../db/client.ts';
import { units, type Unit } from '../../org/schema.ts';
import { members } from '../../people/schema.ts';
import { accounts, roleAssignments } from '../auth/schema.ts';
import type { Resource, ResourceFor } from './policy.ts';

const tempUnits = alias(units, 'temp_units');

export function unitResource(u: Pick<Unit, 'id' | 'path' | 'tree' | 'kind'>): Extract<Resource, { type: 'unit' }> {
  return { type: 'unit', id: u.id, path: u.path, tree: u.tree, kind: u.kind };
}

export async function loadUnitResource(db: Db, id: number): Promise<Extract<Resource, { type: 'unit' }> | null> {
  const [u] = await db.select({ id: units.id, path: units.path, tree: units.tree, kind: units.kind }).from(units).where(eq(units.id, id));
  return u ? unitResource(u) : null;
}

export async function loadMemberResource(db: Db, personId: number): Promise<ResourceFor<'member.view_record'> | null> {
  const [m] = await db
    .select({ personId: members.personId, unitPath: units.path, temporaryUnitPath: tempUnits.path })
    .from(members)
    .innerJoin(units, eq(units.id, members.unitId))
    .leftJoin(tempUnits, eq(tempUnits.id, members.temporaryUnitId))
    .where(eq(members.personId, personId));
  return m ? { type: 'member', personId: m.personId, unitPath: m.unitPath, temporaryUnitPath: m.temporaryUnitPath } : null;
}

/** An account is located by its member record's cell and by the units of its roles. */
export async function loadAccountResource(db: Db, accountId: number): Promise<ResourceFor<'account.reset_password'> | null> {
  const [acc] = await db.select({ id: accounts.id, personId: accounts.personId }).from(accounts).where(eq(accounts.id, accountId));
  if (!acc) return null;
  const grants = await db
    .select({ role: roleAssignments.role, path: units.path })
    .from(roleAssignments)
    .leftJoin(units, eq(units.id, roleAssignments.unitId))
    .where(and(eq(roleAssignments.accountId, accountId), isNull(roleAssignments.revokedAt)));
  const [m] = await db.select({ path: units.path }).from(members).innerJoin(units, eq(units.id, members.unitId)).where(eq(members.personId, acc.personId));
  const grantPaths = [...new Set(grants.map((g) => g.path).filter((p): p is string => p != null))];
  return { type: 'account', accountId: acc.id, personId: acc.personId, memberPath: m?.path ?? null, grantPaths, holdsRoles: grants.map((g) => g.role) };
}

/** A person who may not be a party member (state staff): located by the units of their roles. */
export async function loadPersonResource(db: Db, personId: number): Promise<ResourceFor<'person.view'> | null> {
  const [acc] = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.personId, personId));
  const [m] = await db.select({ path: units.path }).from(members).innerJoin(units, eq(units.id, members.unitId)).where(eq(members.personId, personId));
  const paths: string[] = m ? [m.path] : [];
  if (acc) {
    const grants = await db
      .select({ path: units.path })
      .from(roleAssignments)
      .innerJoin(units, eq(units.id, roleAssignments.unitId))
      .where(and(eq(roleAssignments.accountId, acc.id), isNull(roleAssignments.revokedAt)));
    paths.push(...grants.map((g) => g.path));
  }
  return { type: 'person', personId, unitPaths: [...new Set(paths)] };
}
