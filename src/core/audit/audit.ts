// Every write goes through `audit()` inside the same transaction as the write itself,
// so an entry exists exactly when the change does.
import { auditLog } from './schema.ts';
import type { Db } from '../db/client.ts';

/** Every kind of write the product makes. Features add their actions here. */
export const AUDIT_ACTIONS = [
  'unit.create',
  'unit.rename',
  'unit.move',
  'unit.close',
  'unit.merge',
  'person.create',
  'person.update',
  'member.create',
  'member.update',
  'member.transfer',
  'member.status_change',
  'member.import',
  'member.export',
  'notification.send',
  'notification.read_all',
  'notification.preferences',
  'notification.push_subscribe',
  'notification.push_unsubscribe',
  'notification.sms_budget',
  'account.create',
  'account.login',
  'account.login_second_factor',
  'account.login_token_used',
  'account.password_change',
  'account.password_reset',
  'account.login_token_create',
  'account.totp_enable',
  'account.totp_disable',
  'account.disable',
  'account.enable',
  'session.revoke',
  'role.grant',
  'role.revoke',
  'task.create',
  'task.update',
  'task.status',
  'task.report',
  'task.review',
  'report.template_create',
  'report.submit',
  'report.correct',
  'report.approve',
  'report.reject',
  'report.lock',
  'document.register',
  'document.update',
  'document.handle',
  'document.correct',
  'publication.publish',
  'publication.confirm',
  'publication.record_in_person',
  'publication.mark',
  'publication.print_packet',
  'meeting.schedule',
  'meeting.update',
  'meeting.cancel',
  'meeting.start',
  'meeting.end',
  'meeting.agenda',
  'meeting.notes',
  'meeting.material_add',
  'meeting.material_remove',
  'meeting.attendance',
  'meeting.documents_received',
  'meeting.quality',
  'question.create',
  'question.open',
  'question.close',
  'question.answer',
  'minutes.draft',
  'minutes.edit',
  'minutes.approve',
  'minutes.new_version',
  'evaluation.self',
  'evaluation.propose',
  'evaluation.approve',
  'evaluation.rules',
  'feedback.send',
  'feedback.assign',
  'feedback.answer',
  'feedback.forward',
  'feedback.close',
  'feedback.reopen',
  'feedback.note',
  'system.restore',
  'system.seed_demo',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Who is acting, from where: carried from the request (or the CLI) into every command. */
export type ActingContext = {
  accountId: number | null;
  ip?: string | null;
  requestId?: string | null;
};

export const SYSTEM_CONTEXT: ActingContext = { accountId: null };

export type AuditEntry = {
  action: AuditAction;
  entityType: string;
  entityId?: string | number | null;
  unitId?: number | null;
  before?: unknown;
  after?: unknown;
  onBehalfOfPersonId?: number | null;
};

export async function audit(tx: Db, who: ActingContext, entry: AuditEntry): Promise<void> {
  await tx.insert(auditLog).values({
    actorAccountId: who.accountId,
    ip: who.ip ?? null,
    requestId: who.requestId ?? null,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId == null ? null : String(entry.entityId),
    unitId: entry.unitId ?? null,
    before: entry.before === undefined ? null : toJson(entry.before),
    after: entry.after === undefined ? null : toJson(entry.after),
    onBehalfOfPersonId: entry.onBehalfOfPersonId ?? null,
  });
}

/** Drops secrets before anything reaches the log. */
const SECRET_KEYS = new Set(['passwordHash', 'password', 'totpSecret', 'content', 'token']);
function toJson(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (k, v) => (SECRET_KEYS.has(k) ? '[ẩn]' : typeof v === 'bigint' ? v.toString() : v)),
  );
}
