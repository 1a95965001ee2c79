// Who a notice is for, resolved set-based in SQL: named people, or every member (or only the
// cells' secretaries, or only committee members) of some units' subtrees.
import { inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { units } from '../../org/schema.ts';
import { z } from 'zod';

/** Who in the audience units it is for: every member, the cells' secretaries and deputies, or committee members. */
export const AUDIENCE_ROLES = ['all', 'secretaries', 'committee'] as const;
export type AudienceRole = (typeof AUDIENCE_ROLES)[number];

export type Audience =
  /** These people (members or staff), e.g. the member whose feedback was answered. */
  | { personIds: number[] }
  /** Everyone the role names in these units and their subtrees; exempt members (miễn sinh hoạt) left out when asked. */
  | { unitIds: number[]; role?: AudienceRole; excludeExempt?: boolean };

export const audienceSchema = z.union([
  z.object({ personIds: z.array(z.number().int().positive()).max(100_000) }).strict(),
  z.object({ unitIds: z.array(z.number().int().positive()).min(1).max(10_000), role: z.enum(AUDIENCE_ROLES).optional(), excludeExempt: z.boolean().optional() }).strict(),
]);

const LIVE_MEMBER = sql.raw(`('active', 'temporarily_transferred')`);

/**
 * A query with one column, `person_id`, listing the audience, each person once. A member is reached through the cell they attend (their own, or the one of
 * a temporary transfer). The audience units' paths are read first and matched as literal
 * prefixes, so the planner sees how large the subtree is (one indexed range scan per unit).
 */
export async function audienceSql(db: Db, a: Audience): Promise<SQL> {
  if ('personIds' in a) {
    const ids = [...new Set(a.personIds)];
    if (ids.length === 0) return sql`select null::int as person_id where false`;
    return sql`select p.id as person_id from people p where p.id in (${sql.join(
      ids.map((id) => sql`${id}`),
      sql`, `,
    )})`;
  }
  const rows = a.unitIds.length ? await db.select({ path: units.path }).from(units).where(inArray(units.id, a.unitIds)) : [];
  if (rows.length === 0) return sql`select null::int as person_id where false`;
  const under = sql.join(
    rows.map((r) => sql`u.path like ${`${r.path}%`}`),
    sql` or `,
  );
  const role = a.role ?? 'all';
  if (role === 'all') {
    // As publishing counts who is expected to read: a member temporarily attending another cell is reached there.
    const exempt = a.excludeExempt ? sql` and not m.exempt` : sql``;
    return sql`select m.person_id from units u join members m on m.unit_id = u.id
      where (${under}) and m.temporary_unit_id is null and m.status in ${LIVE_MEMBER}${exempt}
      union all
      select m.person_id from units u join members m on m.temporary_unit_id = u.id
      where (${under}) and m.status in ${LIVE_MEMBER}${exempt}`;
  }
  const roles = role === 'secretaries' ? sql.raw(`('cell_secretary', 'cell_deputy')`) : sql.raw(`('committee_member')`);
  const exempt = a.excludeExempt ? sql` and not coalesce(m.exempt, false)` : sql``;
  return sql`select distinct acc.person_id from units u
    join role_assignments r on r.unit_id = u.id and r.revoked_at is null and r.role in ${roles}
    join accounts acc on acc.id = r.account_id and not acc.disabled
    left join members m on m.person_id = acc.person_id
    where (${under}) and u.status = 'active' and (m.person_id is null or m.status in ${LIVE_MEMBER})${exempt}`;
}
