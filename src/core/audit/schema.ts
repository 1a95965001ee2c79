// The audit log: every write, append-only (a trigger refuses UPDATE and DELETE).
import { bigserial, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actorAccountId: integer('actor_account_id'),
    /** When a secretary records something for a member without a phone. */
    onBehalfOfPersonId: integer('on_behalf_of_person_id'),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id'),
    /** The unit the entry concerns, so administrators browse only their subtree (joined to its current path). */
    unitId: integer('unit_id'),
    before: jsonb('before'),
    after: jsonb('after'),
    ip: text('ip'),
    requestId: text('request_id'),
  },
  (t) => [
    index('audit_log_at_idx').on(t.at),
    index('audit_log_actor_idx').on(t.actorAccountId, t.at),
    index('audit_log_entity_idx').on(t.entityType, t.entityId),
    index('audit_log_unit_idx').on(t.unitId, t.at),
  ],
);
