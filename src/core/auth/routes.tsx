// Login, logout, two-factor, QR-card login and the person's own account page.
import crypto from 'node:crypto';
import { and, eq, isNull, like } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { z } from 'zod';
import { defineRoute, self } from '../http/routes.ts';
import { redirectWithFlash, safeReturnPath, sendPage } from '../http/render.ts';
import type { RequestContext } from '../http/context.ts';
import { DomainError } from '../errors.ts';
import { audit } from '../audit/audit.ts';
import { authenticate, checkTotp, consumeLoginToken, loginClientFor, loginTokenUsable, newTotpSecret, sessionKindFor, totpFor } from './login.ts';
import { changeOwnPassword, setTotp } from './accounts.ts';
import { completeSecondFactor, createSession, listSessions, revokeSession, SESSION_COOKIE, SESSION_POLICY, type SessionKind } from './sessions.ts';
import { sessions } from './schema.ts';
import { recordLoginFailure, recordLoginSuccess, throttleWait } from './throttle.ts';
import { AccountPage, CardLoginPage, LoginPage, PasswordPage, TotpPage } from './views.tsx';

const TRUSTED_COOKIE = 'sotay_td';

/** This browser's device id and the accounts that have logged in on it (a signed cookie). */
function trustedDevice(req: FastifyRequest): { id: string | null; trustedAccountIds: number[] } {
  const raw = req.cookies[TRUSTED_COOKIE];
  if (!raw) return { id: null, trustedAccountIds: [] };
  const v = req.unsignCookie(raw);
  if (!v.valid || !v.value) return { id: null, trustedAccountIds: [] };
  const [id, list] = v.value.split('.');
  if (!id || !/^[A-Za-z0-9_-]{16,40}$/.test(id)) return { id: null, trustedAccountIds: [] };
  return { id, trustedAccountIds: (list ?? '').split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0) };
}

/** Opens a session (audited in the same transaction) and sets its cookie and the trusted-device mark. */
async function startSession(req: FastifyRequest, reply: FastifyReply, rc: RequestContext, accountId: number, kind: SessionKind, pendingSecondFactor: boolean, via: 'password' | 'card') {
  const { token } = await rc.db.transaction(async (tx) => {
    const created = await createSession(tx, { accountId, kind, ip: req.ip, userAgent: req.headers['user-agent'] ?? null, pendingSecondFactor });
    await audit(tx, { ...rc.who, accountId }, { action: 'account.login', entityType: 'account', entityId: accountId, after: { kind, via, pendingSecondFactor } });
    return created;
  });
  const maxAge = Math.floor(SESSION_POLICY[kind].absoluteMs / 1000);
  // Member devices keep a persistent cookie; staff sessions end with the browser too.
  reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure: rc.config.secureCookies, ...(kind === 'device' ? { maxAge } : {}) });
  const device = trustedDevice(req);
  const trusted = [accountId, ...device.trustedAccountIds.filter((id) => id !== accountId)].slice(0, 5);
  reply.setCookie(TRUSTED_COOKIE, `${device.id ?? crypto.randomBytes(16).toString('base64url')}.${trusted.join(',')}`, { path: '/login', httpOnly: true, sameSite: 'lax', signed: true, secure: rc.config.secureCookies, maxAge: 400 * 24 * 3600 });
}

const loginBody = z.object({ identifier: z.string().default(''), password: z.string().default(''), next: z.string().optional() });

export function authRoutes(app: FastifyInstance): void {
  defineRoute<unknown, { next?: string; expired?: string }>(app, {
    method: 'GET',
    url: '/login',
    query: z.object({ next: z.string().max(500).optional(), expired: z.literal('1').optional() }),
    access: { public: 'the login page' },
    handler: (req, reply, rc) => {
      if (rc.actor) return reply.redirect(safeReturnPath(req.query.next), 303);
      return sendPage(reply, <LoginPage rc={rc} next={req.query.next} {...(req.query.expired ? { notice: rc.t.login.sessionExpired } : {})} />);
    },
  });

  defineRoute(app, {
    method: 'POST',
    url: '/login',
    access: { public: 'the login form (throttled per account and client, generously per address)' },
    rateLimit: { max: 300, timeWindow: '15 minutes' },
    handler: async (req, reply, rc) => {
      const parsed = loginBody.safeParse(req.body ?? {});
      const body = parsed.success ? parsed.data : { identifier: '', password: '', next: undefined };
      const values = { identifier: body.identifier };
      if (!body.identifier.trim() || !body.password) return sendPage(reply, <LoginPage rc={rc} next={body.next} values={values} error={rc.t.login.missing} />, 400);
      const result = await authenticate(rc.db, { identifier: body.identifier, password: body.password, ip: req.ip, device: trustedDevice(req) });
      if (!result.ok) {
        const error = result.reason === 'throttled' ? rc.t.login.throttled(Math.max(1, Math.ceil(result.waitMs / 60000))) : result.reason === 'ambiguous' ? rc.t.login.ambiguous : rc.t.login.invalid;
        return sendPage(reply, <LoginPage rc={rc} next={body.next} values={values} error={error} />, result.reason === 'throttled' ? 429 : 401);
      }
      if (rc.session) await revokeSession(rc.db, rc.session.id);
      await startSession(req, reply, rc, result.account.id, result.kind, result.needsSecondFactor, 'password');
      if (result.needsSecondFactor) return reply.redirect('/login/totp', 303);
      if (result.account.mustChangePassword) return reply.redirect('/account/password', 303);
      return reply.redirect(safeReturnPath(body.next), 303);
    },
  });

  defineRoute(app, {
    method: 'GET',
    url: '/login/totp',
    access: { public: 'second login step; requires a session waiting for its TOTP code' },
    handler: (_req, reply, rc) => {
      if (!rc.session?.pendingSecondFactor) return reply.redirect('/', 303);
      return sendPage(reply, <TotpPage rc={rc} />);
    },
  });

  defineRoute(app, {
    method: 'POST',
    url: '/login/totp',
    access: { public: 'second login step; requires a session waiting for its TOTP code' },
    handler: async (req, reply, rc) => {
      const session = rc.session;
      if (!session?.pendingSecondFactor || !rc.account?.totpSecret) return reply.redirect('/login', 303);
      const code = String((req.body as Record<string, unknown>)?.code ?? '');
      const subject = `totp:${rc.account.id}`;
      const client = loginClientFor(rc.account.id, { ip: req.ip, device: trustedDevice(req) });
      const wait = await throttleWait(rc.db, subject, client);
      if (wait > 0) return sendPage(reply, <TotpPage rc={rc} error={rc.t.login.throttled(Math.ceil(wait / 60000))} />, 429);
      if (!checkTotp(rc.account.totpSecret, code)) {
        await recordLoginFailure(rc.db, subject, client);
        return sendPage(reply, <TotpPage rc={rc} error={rc.t.login.totpInvalid} />, 401);
      }
      await recordLoginSuccess(rc.db, subject, client);
      await rc.db.transaction(async (tx) => {
        await completeSecondFactor(tx, session.id);
        await audit(tx, { ...rc.who, accountId: rc.account!.id }, { action: 'account.login_second_factor', entityType: 'account', entityId: rc.account!.id });
      });
      if (rc.account.mustChangePassword) return reply.redirect('/account/password', 303);
      return reply.redirect('/', 303);
    },
  });

  // The printed card's QR code opens a confirmation page; only pressing its button (a POST with
  // this browser's CSRF token) uses the card, so a link preview in a chat app cannot burn it.
  defineRoute<{ token: string }>(app, {
    method: 'GET',
    url: '/login/card/:token',
    params: z.object({ token: z.string().max(100) }),
    access: { public: 'one-time login link printed as a QR code by the cell secretary (confirmation page)' },
    handler: async (req, reply, rc) => {
      if (!(await loginTokenUsable(rc.db, req.params.token))) return sendPage(reply, <LoginPage rc={rc} error={rc.t.login.tokenInvalid} />, 410);
      return sendPage(reply, <CardLoginPage rc={rc} token={req.params.token} />);
    },
  });

  defineRoute<{ token: string }>(app, {
    method: 'POST',
    url: '/login/card/:token',
    params: z.object({ token: z.string().max(100) }),
    access: { public: 'uses a one-time login card (CSRF-checked)' },
    handler: async (req, reply, rc) => {
      const account = await consumeLoginToken(rc.db, req.params.token, rc.who);
      if (!account) return sendPage(reply, <LoginPage rc={rc} error={rc.t.login.tokenInvalid} />, 410);
      if (rc.session) await revokeSession(rc.db, rc.session.id);
      const kind = await sessionKindFor(rc.db, account.id);
      await startSession(req, reply, rc, account.id, kind, account.totpEnabled, 'card');
      return reply.redirect(account.totpEnabled ? '/login/totp' : '/', 303);
    },
  });

  defineRoute(app, {
    method: 'POST',
    url: '/logout',
    access: { public: 'logging out is allowed with or without a live session' },
    handler: async (_req, reply, rc) => {
      if (rc.session) await revokeSession(rc.db, rc.session.id);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return redirectWithFlash(reply, '/login', rc.t.login.loggedOut);
    },
  });

  defineRoute(app, {
    method: 'GET',
    url: '/account/password',
    access: self({ duringPasswordChange: true }),
    handler: (_req, reply, rc) => sendPage(reply, <PasswordPage rc={rc} />),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/account/password',
    access: self({ duringPasswordChange: true }),
    handler: async (req, reply, rc) => {
      const body = (req.body ?? {}) as Record<string, string>;
      const errors: Record<string, string> = {};
      if (!body.password) errors.password = rc.t.account.newPasswordHint;
      else if (body.password !== body.confirm) errors.confirm = rc.t.account.mismatch;
      if (Object.keys(errors).length) return sendPage(reply, <PasswordPage rc={rc} errors={errors} />, 422);
      try {
        await changeOwnPassword(rc.db, rc.who, rc.account!.id, rc.account!.mustChangePassword ? (body.current ?? null) : (body.current ?? ''), body.password!, rc.session!.id);
      } catch (e) {
        if (e instanceof DomainError) {
          const field = (e.details?.field as string) ?? 'password';
          const message = field === 'current' ? rc.t.account.wrongCurrent : e.details?.code === 'same' ? rc.t.account.sameAsBefore : e.message;
          return sendPage(reply, <PasswordPage rc={rc} errors={{ [field]: message }} />, 422);
        }
        throw e;
      }
      return redirectWithFlash(reply, '/', rc.t.account.changed);
    },
  });

  defineRoute<unknown, { totp?: string }>(app, {
    method: 'GET',
    url: '/account',
    query: z.object({ totp: z.literal('setup').optional() }),
    access: self(),
    handler: async (req, reply, rc) => {
      const list = await listSessions(rc.db, rc.account!.id);
      let totp: { secret: string; qrSvg: string } | undefined;
      if (req.query.totp === 'setup' && !rc.account!.totpEnabled) totp = await totpSetup(rc, newTotpSecret());
      return sendPage(reply, <AccountPage rc={rc} sessions={list} {...(totp ? { totp } : {})} />);
    },
  });

  defineRoute(app, {
    method: 'POST',
    url: '/account/totp/enable',
    access: self(),
    handler: async (req, reply, rc) => {
      const body = (req.body ?? {}) as Record<string, string>;
      const secret = String(body.secret ?? '');
      if (!/^[A-Z2-7]{16,64}$/.test(secret)) throw new DomainError('invalid', rc.t.errors.badRequest);
      if (!checkTotp(secret, String(body.code ?? ''))) {
        const list = await listSessions(rc.db, rc.account!.id);
        return sendPage(reply, <AccountPage rc={rc} sessions={list} totp={{ ...(await totpSetup(rc, secret)), error: rc.t.login.totpInvalid }} />, 422);
      }
      await setTotp(rc.db, rc.who, rc.account!.id, secret);
      return redirectWithFlash(reply, '/account', rc.t.account.twoFactorEnabled);
    },
  });

  defineRoute(app, {
    method: 'POST',
    url: '/account/totp/disable',
    access: self(),
    handler: async (req, reply, rc) => {
      const code = String((req.body as Record<string, unknown>)?.code ?? '');
      if (!rc.account!.totpSecret || !checkTotp(rc.account!.totpSecret, code)) return redirectWithFlash(reply, '/account', rc.t.login.totpInvalid);
      await setTotp(rc.db, rc.who, rc.account!.id, null);
      return redirectWithFlash(reply, '/account', rc.t.account.twoFactorDisabled);
    },
  });

  defineRoute(app, {
    method: 'POST',
    url: '/account/sessions/revoke',
    access: self(),
    handler: async (req, reply, rc) => {
      const prefix = String((req.body as Record<string, unknown>)?.session ?? '');
      if (!/^[0-9a-f]{16}$/.test(prefix)) throw new DomainError('invalid', rc.t.errors.badRequest);
      const [s] = await rc.db
        .select({ id: sessions.id })
        .from(sessions)
        .where(and(eq(sessions.accountId, rc.account!.id), like(sessions.id, `${prefix}%`), isNull(sessions.revokedAt)));
      if (s) {
        await rc.db.transaction(async (tx) => {
          await revokeSession(tx, s.id);
          await audit(tx, rc.who, { action: 'session.revoke', entityType: 'account', entityId: rc.account!.id });
        });
      }
      return redirectWithFlash(reply, '/account', rc.t.common.saved);
    },
  });
}

async function totpSetup(rc: RequestContext, secret: string): Promise<{ secret: string; qrSvg: string }> {
  const uri = totpFor(secret, rc.actor?.fullName ?? 'Sổ tay').toString();
  const qrSvg = await QRCode.toString(uri, { type: 'svg', margin: 1, width: 220 });
  return { secret, qrSvg };
}
