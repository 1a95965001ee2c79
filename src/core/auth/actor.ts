// Builds the Actor the policy module reasons about: an account, its roles with their units'
// paths, and the member's cell.
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../db/client.ts';
import { accounts, roleAssignments } from './schema.ts';
import { units } from '../../org/schema.ts';
import { members, people } from '../../people/schema.ts';
import type { Actor, Grant } from '../policy/policy.ts';

const tempUnits = alias(units, 'temp_units');

export async function loadActor(db: Db, accountId: number): Promise<Actor | null> {
  const [acc] = await db
    .select({ id: accounts.id, personId: accounts.personId, fullName: people.fullName, disabled: accounts.disabled })
    .from(accounts)
    .innerJoin(people, eq(people.id, accounts.personId))
    .where(eq(accounts.id, accountId));
  if (!acc || acc.disabled) return null;
  const grantRows = await db
    .select({ role: roleAssignments.role, unitId: roleAssignments.unitId, path: units.path, tree: units.tree, status: units.status })
    .from(roleAssignments)
    .leftJoin(units, eq(units.id, roleAssignments.unitId))
    .where(and(eq(roleAssignments.accountId, accountId), isNull(roleAssignments.revokedAt)));
  const grants: Grant[] = grantRows
    .filter((g) => g.unitId == null || g.status === 'active')
    .map((g) => ({ role: g.role, unitId: g.unitId, path: g.path, tree: g.tree }));
  const [m] = await db
    .select({ unitId: members.unitId, path: units.path, temporaryUnitId: members.temporaryUnitId, temporaryPath: tempUnits.path })
    .from(members)
    .innerJoin(units, eq(units.id, members.unitId))
    .leftJoin(tempUnits, eq(tempUnits.id, members.temporaryUnitId))
    .where(and(eq(members.personId, acc.personId), inArray(members.status, ['active', 'temporarily_transferred'])));
  // Cell roles hold only while the person attends that cell (belt and braces: status changes revoke them).
  const attending = m ? [m.unitId, m.temporaryUnitId].filter((x): x is number => x != null) : [];
  const live = grants.filter((g) => (g.role !== 'cell_secretary' && g.role !== 'cell_deputy') || (g.unitId != null && attending.includes(g.unitId)));
  return {
    accountId: acc.id,
    personId: acc.personId,
    fullName: acc.fullName,
    grants: live,
    membership: m ? { unitId: m.unitId, path: m.path, temporaryUnitId: m.temporaryUnitId, temporaryPath: m.temporaryPath } : null,
  };
}
