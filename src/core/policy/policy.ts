// The one policy module. Every route asks `can(actor, action, resource)`; nothing else decides
// who may do what. A role is held in a unit and reaches that unit's whole subtree (by path
// prefix), so a role in the state tree never reaches the party tree and vice versa.
import type { Role } from '../auth/schema.ts';
import type { UnitKind, UnitTree } from '../../org/schema.ts';
import type { AudienceRole } from '../../distribution/schema.ts';

export type Grant = { role: Role; unitId: number | null; path: string | null; tree: UnitTree | null };

export type Actor = {
  accountId: number;
  personId: number;
  fullName: string;
  grants: Grant[];
  /** The member's cell (and the cell attended during a temporary transfer), if a party member. */
  membership: { unitId: number; path: string; temporaryUnitId: number | null; temporaryPath: string | null } | null;
};

export type Resource =
  | { type: 'self' }
  /** A notification (src/core/notify), located by its sending unit; `createdBy` is the sender's account. */
  | { type: 'notification'; id: number; unitPath: string | null; createdBy: number | null }
  | { type: 'system' }
  | { type: 'unit'; id: number; path: string; tree: UnitTree; kind: UnitKind }
  | { type: 'member'; personId: number; unitPath: string; temporaryUnitPath: string | null }
  | { type: 'person'; personId: number; unitPaths: string[] }
  /** An account, located by its member record's cell and by the units of its roles. */
  | { type: 'account'; accountId: number; personId: number; memberPath: string | null; grantPaths: string[]; holdsRoles: Role[] }
  | { type: 'grant'; role: Role; unitPath: string | null }
  /** A task (src/tasks): its assigning unit, lead and supporting units (either tree), or the member it is assigned to and their cell. */
  | { type: 'task'; id: number; assigningPath: string; leadPath: string | null; supportPaths: string[]; memberPersonId: number | null; memberCellPath: string | null; documentId: number | null }
  /** A cell meeting (src/meetings), located by its cell; its chair and minute-taker approve the minutes. */
  | { type: 'meeting'; id: number; unitPath: string; chairPersonId: number | null; minuteTakerPersonId: number | null }
  /** A feedback item (src/feedback): the unit holding it, every unit it was addressed or forwarded to, and whether the asking actor wrote it (worked out for that actor only, so an anonymous author stays unknown to everyone else). */
  | { type: 'feedback'; id: string; unitPath: string; routePaths: string[]; authoredByActor: boolean }
  /** An official document, located by the unit that registered it. */
  | { type: 'document'; id: number; unitPath: string; classified: boolean }
  /** A publication (distribution), located by its publishing unit, with its audience units and whom in them it is for. */
  | { type: 'publication'; id: number; unitPath: string; audiencePaths: string[]; audienceRole: AudienceRole };

type ResourceOf<T extends Resource['type']> = Extract<Resource, { type: T }>;

const MANAGERS: Role[] = ['unit_admin', 'committee_member'];
const CELL_LEADERS: Role[] = ['cell_secretary', 'cell_deputy'];
const STAFF: Role[] = ['committee_member', 'office_clerk', 'unit_admin', 'system_admin'];
/** The staff of a unit for tasks and periodic reports: its committee, office, administrators, and a cell's leaders. */
const UNIT_STAFF: Role[] = ['committee_member', 'office_clerk', 'unit_admin'];
const TASK_STAFF: Role[] = [...UNIT_STAFF, ...CELL_LEADERS];
type TaskRes = ResourceOf<'task'>;
/** The staff of the assigning unit (or above it). */
const taskAssigner = (a: Actor, t: TaskRes) => holdsOver(a, TASK_STAFF, t.assigningPath);
/** The staff of the lead or a supporting unit (or above it, in its own tree); a member's cell leaders. */
const taskDoer = (a: Actor, t: TaskRes) =>
  (t.leadPath != null && holdsOver(a, TASK_STAFF, t.leadPath)) || t.supportPaths.some((p) => holdsOver(a, TASK_STAFF, p)) || (t.memberCellPath != null && holdsOver(a, CELL_LEADERS, t.memberCellPath));
const isAssignee = (a: Actor, t: TaskRes) => t.memberPersonId != null && a.personId === t.memberPersonId;
/**
 * Documents before distribution exists: the staff of a unit (clerks, committee members,
 * administrators) read the library and registers of their unit's whole subtree. A classified
 * document (MẬT, TỐI MẬT, TUYỆT MẬT) is shown only to the office clerks of the very unit that
 * registered it — not to the units above, not to committee members, not to system administrators
 * — and is never published.
 */
const DOCUMENT_STAFF: Role[] = ['committee_member', 'office_clerk', 'unit_admin'];
const officeOf = (a: Actor, path: string) => a.grants.some((g) => g.role === 'office_clerk' && g.path === path);

export const isSystemAdmin = (a: Actor) => a.grants.some((g) => g.role === 'system_admin');

/** Who publishes documents and announcements to a unit's subtree (distribution). */
const PUBLISHERS: Role[] = ['committee_member', 'office_clerk', 'unit_admin'];
type PublicationRes = ResourceOf<'publication'>;

/** The publication reaches the actor as one of its audience: a member of a cell below an audience unit, or a secretary / committee member there. */
export function reachesAudience(a: Actor, p: PublicationRes): boolean {
  const under = (path: string) => p.audiencePaths.some((ap) => path.startsWith(ap));
  if (p.audienceRole === 'all') return a.membership != null && (under(a.membership.path) || (a.membership.temporaryPath != null && under(a.membership.temporaryPath)));
  const roles: Role[] = p.audienceRole === 'secretaries' ? CELL_LEADERS : ['committee_member'];
  return a.grants.some((g) => g.path != null && roles.includes(g.role) && under(g.path));
}

/**
 * Where in the publisher's tree the actor may follow who has read a publication, as subtree
 * roots: the whole tree for the publishing unit's committee, office and administrators (and
 * those above them); their own part of it for the committees and cell leaders below.
 */
export function readingRatesRoots(a: Actor, p: PublicationRes): string[] {
  if (isSystemAdmin(a)) return [p.unitPath];
  const roles: Role[] = p.audienceRole === 'all' ? [...PUBLISHERS, ...CELL_LEADERS] : PUBLISHERS;
  const roots = new Set<string>();
  for (const g of a.grants) {
    if (g.path == null || !roles.includes(g.role)) continue;
    const gp = g.path;
    if (p.unitPath.startsWith(gp)) roots.add(p.unitPath);
    else if (gp.startsWith(p.unitPath) && p.audiencePaths.some((ap) => gp.startsWith(ap) || ap.startsWith(gp))) roots.add(gp);
  }
  return [...roots].filter((r) => ![...roots].some((o) => o !== r && r.startsWith(o)));
}

/** The actor holds one of `roles` in `path` or an ancestor of it. */
export function holdsOver(a: Actor, roles: readonly Role[], path: string): boolean {
  return a.grants.some((g) => g.path != null && roles.includes(g.role) && path.startsWith(g.path));
}

/** Same, but strictly above `path` (not in the unit itself). */
function holdsAbove(a: Actor, roles: readonly Role[], path: string): boolean {
  return a.grants.some((g) => g.path != null && roles.includes(g.role) && path.startsWith(g.path) && path !== g.path);
}

const attends = (a: Actor, path: string) => a.membership != null && (a.membership.path === path || a.membership.temporaryPath === path);

/** Cell meetings and feedback: a cell is led by its secretary and deputy, a committee by its members and administrators. */
const UNIT_LEADERS: Role[] = [...CELL_LEADERS, ...MANAGERS];
/** Holds one of `roles` in exactly this unit (not above it). */
const holdsAt = (a: Actor, roles: readonly Role[], path: string) => a.grants.some((g) => g.path === path && roles.includes(g.role));

export function hasStaffRole(roles: readonly Role[]): boolean {
  return roles.some((r) => STAFF.includes(r));
}

/**
 * Each action names the resource it applies to and the rule that allows it. System
 * administrators may do everything; each rule says who else may.
 */
type Rule<T extends Resource['type']> = { on: T; allow: (actor: Actor, resource: ResourceOf<T>) => boolean; strict?: boolean };
const rule = <T extends Resource['type']>(on: T, allow: (actor: Actor, resource: ResourceOf<T>) => boolean): Rule<T> => ({ on, allow });
/** A rule that binds system administrators too (they pass only where `allow` says so). */
const strictRule = <T extends Resource['type']>(on: T, allow: (actor: Actor, resource: ResourceOf<T>) => boolean): Rule<T> => ({ on, allow, strict: true });

const RULES = {
  // Your own things.
  'home.view': rule('self', () => true),
  'account.manage_own': rule('self', () => true),

  // Notifications (src/core/notify). The inbox and the settings are the actor's own (no other
  // person's can be named in their routes).
  'notification.inbox': rule('self', () => true),
  /** The list of notices the actor sent or that units they work for sent (the list shows only those). */
  'notification.sent': rule('self', (a) => a.grants.length > 0),
  /** Who got one notice on which channel: its sender, and the committee, office and administrators of the sending unit and above. */
  'notification.deliveries': rule('notification', (a, n) => n.createdBy === a.accountId || (n.unitPath != null && holdsOver(a, ['committee_member', 'office_clerk', 'unit_admin'], n.unitPath))),
  /** A unit's monthly SMS budget: its administrators (and those above). */
  'notification.sms_budget': rule('unit', (a, u) => u.tree !== 'external' && holdsOver(a, ['unit_admin'], u.path)),

  // Units.
  'unit.view': rule('unit', (a, u) => attends(a, u.path) || a.grants.some((g) => g.path != null && u.path.startsWith(g.path))),
  'unit.list_members': rule('unit', (a, u) => attends(a, u.path) || holdsOver(a, [...CELL_LEADERS, ...MANAGERS], u.path)),
  /** The administrative list of a unit's member records (with dates of birth, status…). */
  'unit.member_records': rule('unit', (a, u) => holdsOver(a, [...CELL_LEADERS, ...MANAGERS], u.path)),
  'unit.create_child': rule('unit', (a, u) => holdsOver(a, ['unit_admin'], u.path)),
  'unit.rename': rule('unit', (a, u) => holdsOver(a, ['unit_admin'], u.path)),
  /** Move, close or merge away: only from above, never one's own top unit. */
  'unit.restructure': rule('unit', (a, u) => holdsAbove(a, ['unit_admin'], u.path)),
  'unit.manage_members': rule('unit', (a, u) => holdsOver(a, MANAGERS, u.path)),
  /** Add staff (people with an account and a role, party members or not) to a unit. */
  'unit.manage_staff': rule('unit', (a, u) => holdsOver(a, ['unit_admin'], u.path)),
  'unit.view_audit': rule('unit', (a, u) => holdsOver(a, ['unit_admin'], u.path)),

  // Member records (personal data: need-to-know).
  'member.view_record': rule(
    'member',
    (a, m) => holdsOver(a, [...CELL_LEADERS, ...MANAGERS], m.unitPath) || (m.temporaryUnitPath != null && holdsOver(a, CELL_LEADERS, m.temporaryUnitPath)),
  ),
  'member.edit': rule('member', (a, m) => holdsOver(a, MANAGERS, m.unitPath)),
  /** Open an account for a member, print their login card: the cell's leaders and administrators. */
  'member.manage_account': rule('member', (a, m) => holdsOver(a, [...CELL_LEADERS, 'unit_admin'], m.unitPath)),

  // People who are not party members (state staff), seen through their roles' units.
  'person.view': rule('person', (a, p) => p.unitPaths.some((path) => holdsOver(a, ['unit_admin'], path))),

  // Accounts.
  'account.reset_password': rule('account', (a, t) => {
    if (t.holdsRoles.includes('system_admin') || (t.memberPath == null && t.grantPaths.length === 0)) return false;
    // A cell's leaders reset the passwords of its members who hold no role at all (not each other's).
    if (t.holdsRoles.length === 0 && t.memberPath != null && holdsOver(a, CELL_LEADERS, t.memberPath)) return true;
    // Administrators reset accounts in their subtree whose roles all lie strictly below them (not their peers').
    const memberOk = t.memberPath == null || holdsOver(a, ['unit_admin'], t.memberPath);
    return memberOk && t.grantPaths.every((p) => holdsAbove(a, ['unit_admin'], p));
  }),
  /** The printable one-time login card: only for members who hold no role. */
  'account.print_login_card': rule('account', (a, t) => t.holdsRoles.length === 0 && t.memberPath != null && holdsOver(a, [...CELL_LEADERS, 'unit_admin'], t.memberPath)),
  /** Lock or unlock an account: its administrators, from above. */
  'account.manage': rule('account', (a, t) => !t.holdsRoles.includes('system_admin') && (t.memberPath != null || t.grantPaths.length > 0) && (t.memberPath == null || holdsOver(a, ['unit_admin'], t.memberPath)) && t.grantPaths.every((p) => holdsAbove(a, ['unit_admin'], p))),
  /** Give an account a role: only an administrator who already reaches this person (or a new account with no place yet). */
  'account.grant_role': rule('account', (a, t) => !t.holdsRoles.includes('system_admin') && [...(t.memberPath ? [t.memberPath] : []), ...t.grantPaths].every((p) => holdsOver(a, ['unit_admin'], p))),

  // Roles: only unit administrators, inside their subtree; system administrators are made by system administrators.
  'role.grant': rule('grant', (a, g) => g.role !== 'system_admin' && g.unitPath != null && holdsOver(a, ['unit_admin'], g.unitPath)),
  'role.revoke': rule('grant', (a, g) => g.role !== 'system_admin' && g.unitPath != null && holdsOver(a, ['unit_admin'], g.unitPath)),

  // Tasks (src/tasks). Assignment may cross the party and state trees (a party committee's
  // directive assigns a state body), but each role still reaches only its own tree: a task is
  // seen by the staff of its assigning unit, of its lead and supporting units, and its member.
  'task.list': rule('self', () => true),
  'task.view': rule('task', (a, t) => taskAssigner(a, t) || taskDoer(a, t) || isAssignee(a, t)),
  /** Edit it, change its status, accept or return its reports: the assigning unit's staff (those who may assign in its name). */
  'task.manage': rule('task', (a, t) => taskAssigner(a, t)),
  /** Report progress: the lead and supporting units' staff, the member (or their cell's leaders on their behalf). */
  'task.report': strictRule('task', (a, t) => taskDoer(a, t) || isAssignee(a, t)),
  /** Split into subtasks for lower units: the lead unit's staff. */
  'task.split': strictRule('task', (a, t) => t.leadPath != null && holdsOver(a, TASK_STAFF, t.leadPath)),
  /** Assign tasks in a unit's name: its staff (a cell's leaders assign to its members). */
  'task.assign': rule('unit', (a, u) => u.tree !== 'external' && holdsOver(a, TASK_STAFF, u.path)),
  /** Turn a directive's items into tasks, and follow them on its board: the staff of the unit that registered it; never a classified one. */
  'task.from_document': strictRule('document', (a, d) => !d.classified && (isSystemAdmin(a) || holdsOver(a, UNIT_STAFF, d.unitPath))),
  'task.board': strictRule('document', (a, d) => !d.classified && (isSystemAdmin(a) || holdsOver(a, UNIT_STAFF, d.unitPath))),

  // Periodic reports (src/reports).
  'report.list': rule('self', (a) => a.grants.some((g) => TASK_STAFF.includes(g.role))),
  /** Create templates collected by a unit: its committee, office and administrators. */
  'report.template_manage': rule('unit', (a, u) => u.tree !== 'external' && u.kind !== 'cell' && holdsOver(a, UNIT_STAFF, u.path)),
  /** Submit or correct a unit's report: only those holding a role in that very unit — never for another unit, not even one below. */
  'report.submit': strictRule('unit', (a, u) => a.grants.some((g) => g.path === u.path && TASK_STAFF.includes(g.role))),
  /** A unit's submissions and the roll-up of its subtree. */
  'report.view': rule('unit', (a, u) => holdsOver(a, TASK_STAFF, u.path)),
  /** Lock a period for the units below, approve or reject corrections after the lock. */
  'report.lock': rule('unit', (a, u) => holdsOver(a, UNIT_STAFF, u.path)),

  // Official documents: library, intake and registers.
  /** The library and search pages (their lists show only what `libraryScope` allows). */
  'document.library': rule('self', (a) => a.grants.some((g) => DOCUMENT_STAFF.includes(g.role))),
  'document.view': strictRule('document', (a, d) => (d.classified ? officeOf(a, d.unitPath) : isSystemAdmin(a) || holdsOver(a, DOCUMENT_STAFF, d.unitPath))),
  /** Correct the header, mark handled, edit the register columns: the office's clerks. */
  'document.edit': strictRule('document', (a, d) => (d.classified ? officeOf(a, d.unitPath) : isSystemAdmin(a) || holdsOver(a, ['office_clerk'], d.unitPath))),
  /** Publish to members (the distribution feature): never a classified document. */
  'document.publish': strictRule('document', (a, d) => !d.classified && (isSystemAdmin(a) || holdsOver(a, MANAGERS, d.unitPath))),
  /** Register a document in this unit's registers: its office clerks (outside issuers keep no register). */
  'document.intake': strictRule('unit', (a, u) => u.tree !== 'external' && u.kind !== 'cell' && (isSystemAdmin(a) || holdsOver(a, ['office_clerk'], u.path))),
  'register.view': strictRule('unit', (a, u) => u.tree !== 'external' && u.kind !== 'cell' && (isSystemAdmin(a) || holdsOver(a, DOCUMENT_STAFF, u.path))),

  // Distribution: publishing to a subtree, reading and study, who has read what.
  /** Publish a document or an announcement from this unit to units of its subtree. */
  /** Committees, offices and administrators publish to their subtree; a cell's secretary and deputy post notices to their own cell. */
  'publication.publish': rule('unit', (a, u) => u.tree !== 'external' && (holdsOver(a, PUBLISHERS, u.path) || (u.kind === 'cell' && holdsAt(a, CELL_LEADERS, u.path)))),
  /** The list of what one's units have published, and the way to publish. */
  'publication.list_published': rule('self', (a) => a.grants.some((g) => PUBLISHERS.includes(g.role) || CELL_LEADERS.includes(g.role))),
  'publication.read': rule('publication', (a, p) => reachesAudience(a, p) || readingRatesRoots(a, p).length > 0),
  /** Confirm reading or study: only the audience itself, for themselves. */
  'publication.confirm': strictRule('publication', (a, p) => reachesAudience(a, p)),
  'publication.rates': rule('publication', (a, p) => readingRatesRoots(a, p).length > 0),
  /** Record "disseminated in person" for members of a cell without a phone: its leaders and the committees above. */
  'publication.record_in_person': rule('unit', (a, u) => u.kind === 'cell' && holdsOver(a, [...CELL_LEADERS, ...MANAGERS], u.path)),
  /** Print the meeting packet (documents in large type and the sign-off sheet with the members' names): the cell's secretary and deputy. */
  'publication.print_packet': rule('unit', (a, u) => u.kind === 'cell' && holdsOver(a, CELL_LEADERS, u.path)),

  // Cell meetings (src/meetings): the cell's members and leaders, and the committees above it.
  'meeting.list': rule('unit', (a, u) => u.kind === 'cell' && (attends(a, u.path) || holdsOver(a, UNIT_LEADERS, u.path))),
  'meeting.schedule': rule('unit', (a, u) => u.kind === 'cell' && holdsOver(a, CELL_LEADERS, u.path)),
  'meeting.view': rule('meeting', (a, m) => attends(a, m.unitPath) || holdsOver(a, UNIT_LEADERS, m.unitPath)),
  /** Agenda, materials, attendance, questions, starting and ending: the cell's secretary and deputy. */
  'meeting.run': rule('meeting', (a, m) => holdsOver(a, CELL_LEADERS, m.unitPath)),
  /** Notes and the minutes' text: the cell's leaders and the meeting's minute-taker. */
  'meeting.write_minutes': rule('meeting', (a, m) => holdsOver(a, CELL_LEADERS, m.unitPath) || (m.minuteTakerPersonId != null && a.personId === m.minuteTakerPersonId)),
  /** Answer a question oneself: a member attending the cell. */
  'meeting.answer': strictRule('meeting', (a, m) => attends(a, m.unitPath)),
  /** Record an answer for a member without a phone: the cell's own secretary and deputy, nobody else. */
  'meeting.answer_for_member': strictRule('meeting', (a, m) => holdsAt(a, CELL_LEADERS, m.unitPath)),
  'minutes.approve': strictRule('meeting', (a, m) => a.personId === m.chairPersonId || a.personId === m.minuteTakerPersonId),
  /** Meeting quality and member ratings of the cells below: committees. */
  'meeting.rollup': rule('unit', (a, u) => holdsOver(a, MANAGERS, u.path)),

  // Member evaluation (đánh giá, xếp loại): the member, the cell's leaders, the grassroots committee.
  'evaluation.self': strictRule('self', (a) => a.membership != null),
  'evaluation.cell': rule('unit', (a, u) => u.kind === 'cell' && holdsOver(a, CELL_LEADERS, u.path)),
  'evaluation.approve': rule('unit', (a, u) => u.tree === 'party' && u.kind !== 'cell' && holdsOver(a, MANAGERS, u.path)),
  'evaluation.rules': rule('system', () => false),

  // Feedback (src/feedback): nobody but the sender and the leaders of the units it was addressed or
  // forwarded to reads an item — not the cell's secretary of a letter sent above the cell, not a
  // neighbouring unit, not a system administrator. Committees above see counts only.
  'feedback.send': strictRule('self', (a) => a.membership != null),
  'feedback.view': strictRule('feedback', (a, f) => f.authoredByActor || f.routePaths.some((p) => holdsAt(a, UNIT_LEADERS, p))),
  'feedback.handle': strictRule('feedback', (a, f) => holdsAt(a, UNIT_LEADERS, f.unitPath)),
  'feedback.inbox': strictRule('unit', (a, u) => u.tree === 'party' && holdsAt(a, UNIT_LEADERS, u.path)),
  'feedback.stats': rule('unit', (a, u) => u.tree === 'party' && holdsOver(a, MANAGERS, u.path)),

  // Administration area and the whole audit log.
  'admin.enter': rule('self', (a) => a.grants.some((g) => g.role === 'unit_admin' || g.role === 'committee_member' || CELL_LEADERS.includes(g.role))),
  'system.audit': rule('system', () => false),
  'system.manage': rule('system', () => false),
};

export type Action = keyof typeof RULES;
export type ResourceFor<A extends Action> = ResourceOf<(typeof RULES)[A]['on']>;
export const ACTIONS = Object.keys(RULES) as Action[];
export const resourceTypeOf = (action: Action): Resource['type'] => RULES[action].on;

/** May `actor` do `action` on `resource`? Anonymous actors may do nothing guarded. */
export function can<A extends Action>(actor: Actor | null, action: A, resource: ResourceFor<A>): boolean {
  if (!actor) return false;
  const rule = RULES[action] as Rule<Resource['type']>;
  if (rule.on !== resource.type) throw new Error(`policy: ${action} applies to ${rule.on}, got ${resource.type}`);
  if (isSystemAdmin(actor) && !rule.strict) return true;
  return rule.allow(actor, resource as never);
}

/**
 * Which documents an actor's lists and searches may show, as unit paths: `staff` are subtree
 * prefixes (null: every unclassified document, for system administrators), `classified` are
 * the exact units whose classified documents the actor may read. The same rule as 'document.view'.
 */
export function libraryScope(actor: Actor): { staff: string[] | null; classified: string[] } {
  const classified = [...new Set(actor.grants.filter((g) => g.role === 'office_clerk' && g.path != null).map((g) => g.path!))];
  if (isSystemAdmin(actor)) return { staff: null, classified };
  const staff = [...new Set(actor.grants.filter((g) => g.path != null && DOCUMENT_STAFF.includes(g.role)).map((g) => g.path!))];
  return { staff, classified };
}
