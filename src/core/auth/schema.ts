// Accounts, roles held in units, sessions stored in the database, login throttling and
// one-time login tokens (the printable QR card for members without a password habit).
import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { people } from '../../people/schema.ts';
import { units } from '../../org/schema.ts';

export const accounts = pgTable(
  'accounts',
  {
    id: serial('id').primaryKey(),
    personId: integer('person_id').notNull().references(() => people.id),
    /** Optional login name for staff without a phone or card (e.g. "admin"). */
    username: text('username'),
    /** argon2id hash; null means the account cannot log in with a password. */
    passwordHash: text('password_hash'),
    disabled: boolean('disabled').notNull().default(false),
    mustChangePassword: boolean('must_change_password').notNull().default(true),
    totpSecret: text('totp_secret'),
    totpEnabled: boolean('totp_enabled').notNull().default(false),
    locale: text('locale', { enum: ['vi', 'en'] }).notNull().default('vi'),
    passwordChangedAt: timestamp('password_changed_at', { withTimezone: true }),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('accounts_person_key').on(t.personId), uniqueIndex('accounts_username_key').on(t.username)],
);

/**
 * Roles held in a unit, reaching its whole subtree. Being a member of a cell is not a role row:
 * it follows from the member record (members.unit_id), so it can never drift from it.
 */
export const ROLES = [
  'cell_secretary', // bí thư chi bộ
  'cell_deputy', // phó bí thư chi bộ
  'committee_member', // cấp ủy viên
  'office_clerk', // văn phòng cấp ủy / UBND
  'unit_admin', // quản trị đơn vị
  'system_admin', // quản trị hệ thống (held at no unit)
] as const;
export type Role = (typeof ROLES)[number];

export const roleAssignments = pgTable(
  'role_assignments',
  {
    id: serial('id').primaryKey(),
    accountId: integer('account_id').notNull().references(() => accounts.id),
    role: text('role', { enum: ROLES }).notNull(),
    unitId: integer('unit_id').references(() => units.id),
    grantedBy: integer('granted_by'),
    grantedAt: timestamp('granted_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [
    index('role_assignments_account_idx').on(t.accountId),
    index('role_assignments_unit_idx').on(t.unitId),
    uniqueIndex('role_assignments_active_key')
      .on(t.accountId, t.role, sql`coalesce(${t.unitId}, 0)`)
      .where(sql`${t.revokedAt} is null`),
    check('role_assignments_unit_scope', sql`(${t.role} = 'system_admin') = (${t.unitId} is null)`),
  ],
);

export const sessions = pgTable(
  'sessions',
  {
    /** sha256 of the cookie token; the token itself is never stored. */
    id: text('id').primaryKey(),
    accountId: integer('account_id').notNull().references(() => accounts.id),
    kind: text('kind', { enum: ['device', 'staff'] }).notNull(),
    csrfSecret: text('csrf_secret').notNull(),
    /** Password was right but the TOTP code is still to come. */
    pendingSecondFactor: boolean('pending_second_factor').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('sessions_account_idx').on(t.accountId), index('sessions_expires_idx').on(t.expiresAt)],
);

/** Failed-login counters, keyed per account and per (account, client). */
export const loginThrottle = pgTable('login_throttle', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull().default(0),
  lastFailureAt: timestamp('last_failure_at', { withTimezone: true }).notNull().defaultNow(),
  blockedUntil: timestamp('blocked_until', { withTimezone: true }),
});

/** One-time login links printed as a QR code by a secretary. */
export const loginTokens = pgTable(
  'login_tokens',
  {
    id: text('id').primaryKey(),
    accountId: integer('account_id').notNull().references(() => accounts.id),
    createdBy: integer('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [index('login_tokens_account_idx').on(t.accountId)],
);

export type Account = typeof accounts.$inferSelect;
