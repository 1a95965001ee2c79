// Builds the Fastify application: plugins, the request context, the access and CSRF checks
// that every route goes through, error pages, and the features' routes.
import crypto from 'node:crypto';
import zlib from 'node:zlib';
import Fastify, { LogController, type FastifyInstance, type FastifyRequest } from 'fastify';
import compress from '@fastify/compress';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import { hasZodFastifySchemaValidationErrors, jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { h } from 'preact';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import { ping } from '../db/client.ts';
import type { Services } from '../services.ts';
import type { Feature } from '../feature.ts';
import type { Prefs, RequestContext, TextSize } from './context.ts';
import type { Access } from './routes.ts';
import { defineRoute } from './routes.ts';
import { registerIdempotency } from './idempotency.ts';
import { DomainError } from '../errors.ts';
import { can } from '../policy/policy.ts';
import { loadActor } from '../auth/actor.ts';
import { csrfToken, resumeSession, SESSION_COOKIE } from '../auth/sessions.ts';
import { coreMessages } from '../i18n/messages.ts';
import { parseLocale } from '../i18n/i18n.ts';
import { MessagePage } from '../layout/Layout.tsx';
import { getAsset } from '../layout/assets.ts';
import { safeReturnPath, sendPage } from './render.ts';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
export const PREFS_COOKIE = 'sotay_prefs';
export const LOCALE_COOKIE = 'sotay_lang';
export const ANON_CSRF_COOKIE = 'sotay_csrf';

export type AppOptions = { config: Config; database: Database; services: Services; features: Feature[]; logger?: boolean | object };

function parsePrefs(raw: string | undefined): Prefs {
  const m = /ts=([123])/.exec(raw ?? '');
  return { textSize: (m ? Number(m[1]) : 1) as TextSize, contrast: /hc=1/.test(raw ?? '') };
}

const isApi = (req: FastifyRequest) => req.url.startsWith('/api/');

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const { config, database, services } = opts;
  const app = Fastify({
    logger: opts.logger ?? {
      level: config.logLevel,
      serializers: { req: (req: { method: string; url: string; ip: string; id: string }) => ({ method: req.method, url: redactUrl(req.url), remoteAddress: req.ip, reqId: req.id }) },
    },
    // One line per request at "info" floods a small server's log: requests are logged when they fail or are slow.
    logController: new LogController({ disableRequestLogging: true }),
    // A number of hops becomes "trust the nearest n addresses" (the types omit Fastify's numeric form).
    trustProxy: typeof config.trustProxy === 'number' ? (_addr: string, hop: number) => hop < (config.trustProxy as number) : config.trustProxy,
    bodyLimit: config.maxUploadBytes,
    genReqId: () => crypto.randomBytes(8).toString('hex'),
    routerOptions: { ignoreTrailingSlash: true },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(cookie, { secret: services.cookieKey.toString('hex') });
  await app.register(formbody, { bodyLimit: 1024 * 1024 });
  await app.register(multipart, { limits: { fileSize: config.maxUploadBytes, files: 5, fields: 50 } });
  await app.register(rateLimit, {
    global: true,
    max: 1200,
    timeWindow: '1 minute',
    // A village hall's shared Wi-Fi is many people behind one address: limits are generous.
    errorResponseBuilder: (_req, ctx) => ({ statusCode: 429, code: 'too_many', message: `Quá nhiều yêu cầu. Thử lại sau ${Math.ceil(ctx.ttl / 1000)} giây.` }),
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Sổ tay API', version: '1', description: 'JSON API của Sổ tay. Xác thực bằng cookie phiên; các yêu cầu ghi cần tiêu đề X-CSRF-Token.' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE } } },
      security: [{ session: [] }],
    },
    transform: jsonSchemaTransform,
  });

  const routes: { method: string; url: string; access: Access | undefined }[] = [];
  app.decorate('sotayRoutes', routes);
  app.addHook('onRoute', (r) => {
    const methods = Array.isArray(r.method) ? r.method : [r.method];
    for (const m of methods) routes.push({ method: m, url: r.url, access: r.config?.access });
  });

  // 1. Who is asking, in which language and text size.
  app.addHook('onRequest', async (req, reply) => {
    const locale = parseLocale(req.cookies[LOCALE_COOKIE]);
    const rc: RequestContext = {
      db: database.db,
      dbKind: database.kind,
      config,
      services,
      actor: null,
      account: null,
      session: null,
      locale,
      t: coreMessages(locale),
      prefs: parsePrefs(req.cookies[PREFS_COOKIE]),
      csrf: '',
      who: { accountId: null, ip: req.ip, requestId: req.id },
      url: req.url,
      flash: null,
      isApi: isApi(req),
      sessionExpired: false,
      features: opts.features,
    };
    req.rc = rc;
    const token = req.cookies[SESSION_COOKIE];
    if (token) {
      const found = await resumeSession(database.db, token);
      if (found) {
        rc.session = found.session;
        rc.account = found.account;
        rc.csrf = csrfToken(found.session);
        if (!found.session.pendingSecondFactor) {
          rc.actor = await loadActor(database.db, found.account.id);
          rc.who.accountId = found.account.id;
        }
      } else {
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        rc.sessionExpired = true;
      }
    }
    if (!rc.session) {
      let anon = req.cookies[ANON_CSRF_COOKIE];
      if (!anon || !/^[A-Za-z0-9_-]{20,64}$/.test(anon)) {
        anon = crypto.randomBytes(18).toString('base64url');
        reply.setCookie(ANON_CSRF_COOKIE, anon, { path: '/', httpOnly: true, sameSite: 'lax', secure: config.secureCookies });
      }
      rc.csrf = anon;
    }
    const flash = req.cookies.sotay_flash;
    if (flash) {
      const unsigned = req.unsignCookie(flash);
      if (unsigned.valid) rc.flash = unsigned.value;
      reply.clearCookie('sotay_flash', { path: '/' });
    }
  });

  // 2. Cross-site request forgery: Origin check plus a token on every unsafe request.
  function expectedOrigins(req: FastifyRequest): string[] {
    const list = [`${req.protocol}://${req.host}`];
    if (config.publicUrl) list.push(new URL(config.publicUrl).origin);
    return list;
  }
  function csrfOk(req: FastifyRequest): boolean {
    const origin = req.headers.origin ?? (req.headers.referer ? safeOrigin(req.headers.referer) : undefined);
    if (origin && origin !== 'null' && !expectedOrigins(req).includes(origin)) return false;
    if (origin === 'null') return false;
    const body = req.body as Record<string, unknown> | undefined;
    // Multipart uploads carry the token in the query string; read it raw, since a route's query schema may drop unknown keys.
    const fromQuery = new URLSearchParams(req.url.split('?')[1] ?? '').get('_csrf') ?? undefined;
    const sent = (typeof body?._csrf === 'string' ? body._csrf : undefined) ?? header(req, 'x-csrf-token') ?? fromQuery;
    if (typeof sent !== 'string' || sent.length === 0 || req.rc.csrf.length === 0) return false;
    const a = Buffer.from(sent);
    const b = Buffer.from(req.rc.csrf);
    return a.length === b.length && crypto.timingSafeEqual(a, b);
  }

  // 3. Every route is either public by declaration or guarded by the policy module.
  app.addHook('preHandler', async (req, reply) => {
    if (req.is404) return; // no route matched: the not-found handler answers
    const access = req.routeOptions.config?.access;
    if (!access) throw new Error(`route ${req.method} ${req.routeOptions.url} declares no access rule`);
    const rc = req.rc;
    const csrfExempt = 'public' in access && access.csrf === false;
    if (UNSAFE.has(req.method) && !csrfExempt && !csrfOk(req)) {
      throw new DomainError('forbidden', rc.t.errors.csrf, { code: 'csrf' });
    }
    if ('public' in access) return;
    if (!rc.actor || !rc.account) {
      if (rc.isApi) throw new DomainError('unauthenticated', rc.t.login.sessionExpired, { code: rc.sessionExpired ? 'session_expired' : 'unauthenticated' });
      if (rc.session?.pendingSecondFactor) return reply.redirect('/login/totp', 303);
      const params = new URLSearchParams();
      if (req.method === 'GET') params.set('next', req.url);
      if (rc.sessionExpired) params.set('expired', '1');
      const qs = params.toString();
      return reply.redirect(`/login${qs ? `?${qs}` : ''}`, 303);
    }
    if (rc.account.mustChangePassword && !access.duringPasswordChange) {
      if (rc.isApi) throw new DomainError('forbidden', rc.t.account.mustChange, { code: 'password_change_required' });
      return reply.redirect('/account/password', 303);
    }
    const resource = await access.resource({ params: req.params, query: req.query, body: req.body }, rc);
    if (!resource) throw new DomainError('not_found', rc.t.errors.notFound);
    if (!can(rc.actor, access.action, resource as never)) throw new DomainError('forbidden', rc.t.errors.forbidden);
  });

  registerIdempotency(app);
  // Pages and API answers are compressed for slow mobile lines (brotli at a light level, or gzip,
  // from 1 KB up). Registered after the hooks that read response bodies, since onSend hooks run in order.
  await app.register(compress, { global: true, threshold: 1024, encodings: ['br', 'gzip', 'deflate'], brotliOptions: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } } });

  app.addHook('onResponse', async (req, reply) => {
    const ms = reply.elapsedTime;
    const entry = { method: req.method, url: redactUrl(req.url), status: reply.statusCode, ms: Math.round(ms), reqId: req.id };
    if (reply.statusCode >= 500) req.log.error(entry, 'request failed');
    else if (ms > 1000) req.log.warn(entry, 'slow request');
    else req.log.debug(entry, 'request');
  });

  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    reply.header('x-frame-options', 'DENY');
    if (String(reply.getHeader('content-type') ?? '').startsWith('text/html')) {
      reply.header('content-security-policy', "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    }
    return payload;
  });

  app.setErrorHandler(async (error: unknown, req, reply) => {
    const rc = req.rc;
    const t = rc?.t ?? coreMessages('vi');
    let status = 500;
    let code = 'server_error';
    let message = t.errors.server;
    let issues: unknown;
    if (error instanceof DomainError) {
      status = error.status;
      code = (error.details?.code as string) ?? error.code;
      message = error.message;
    } else if (uniqueViolation(error)) {
      // Two people saving the same thing at once: the database's unique index refused the second.
      status = 409;
      code = 'conflict';
      message = t.errors.conflict;
    } else if (hasZodFastifySchemaValidationErrors(error)) {
      status = 400;
      code = 'invalid_request';
      message = t.errors.badRequest;
      issues = error.validation.map((v) => ({ path: v.instancePath, message: v.message }));
      // A malformed id in a page address is simply a page that does not exist.
      if (!rc?.isApi && (error as { validationContext?: string }).validationContext === 'params') {
        status = 404;
        message = t.errors.notFound;
      }
    } else {
      const e = error as { statusCode?: number; code?: string; message?: string };
      if (e.statusCode === 413 || e.code === 'FST_REQ_FILE_TOO_LARGE' || e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        status = 413;
        code = 'too_large';
        message = t.errors.tooLarge(Math.round(config.maxUploadBytes / 1048576));
      } else if (e.statusCode === 429) {
        status = 429;
        code = 'too_many';
        message = t.errors.tooMany;
      } else if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
        status = e.statusCode;
        code = e.code ?? 'bad_request';
        message = t.errors.badRequest;
      }
    }
    if (status >= 500) req.log.error({ err: error, url: redactUrl(req.url) }, 'request failed');
    if (!rc || rc.isApi) return reply.code(status).send({ error: { code, message, ...(issues ? { issues } : {}) } });
    const title =
      status === 404 ? t.errors.notFoundTitle
      : code === 'csrf' ? t.errors.csrfTitle
      : status === 403 ? t.errors.forbiddenTitle
      : status === 429 ? t.errors.tooManyTitle
      : status === 409 ? t.errors.conflictTitle
      : status >= 500 ? t.errors.serverTitle
      : t.errors.badRequest;
    return sendPage(reply, h(MessagePage, { rc, title, message }), status);
  });

  app.setNotFoundHandler(async (req, reply) => {
    const rc = req.rc;
    if (!rc || rc.isApi) return reply.code(404).send({ error: { code: 'not_found', message: 'Không tìm thấy.' } });
    return sendPage(reply, h(MessagePage, { rc, title: rc.t.errors.notFoundTitle, message: rc.t.errors.notFound }), 404);
  });

  // The shell's own routes.
  defineRoute(app, {
    method: 'GET',
    url: '/healthz',
    access: { public: 'liveness probe for the process supervisor' },
    handler: () => ({ status: 'ok' }),
  });
  defineRoute(app, {
    method: 'GET',
    url: '/readyz',
    access: { public: 'readiness probe: checks the database' },
    handler: async (req, reply) => {
      try {
        await ping(database.db);
        return { status: 'ready', database: database.kind };
      } catch (e) {
        req.log.error({ err: e }, 'readiness check failed');
        return reply.code(503).send({ status: 'unavailable', database: database.kind });
      }
    },
  });
  defineRoute<{ name: string }>(app, {
    method: 'GET',
    url: '/static/:name',
    access: { public: 'stylesheet and scripts of the shell' },
    handler: (req, reply) => {
      const asset = getAsset(req.params.name);
      if (!asset) return reply.code(404).type('text/plain').send('not found');
      const cache = (req.query as Record<string, string>).v === asset.hash ? 'public, max-age=31536000, immutable' : 'public, max-age=300';
      return reply.type(asset.type).header('cache-control', cache).header('etag', `"${asset.hash}"`).send(asset.body);
    },
  });
  defineRoute(app, {
    method: 'POST',
    url: '/prefs',
    access: { public: 'display preferences (text size, contrast, language) of this browser' },
    handler: (req, reply) => {
      const body = (req.body ?? {}) as Record<string, string>;
      const prefs = parsePrefs(req.cookies[PREFS_COOKIE]);
      if (['1', '2', '3'].includes(body.textSize ?? '')) prefs.textSize = Number(body.textSize) as TextSize;
      if (body.contrast === '1' || body.contrast === '0') prefs.contrast = body.contrast === '1';
      const year = 365 * 24 * 3600;
      reply.setCookie(PREFS_COOKIE, `ts=${prefs.textSize};hc=${prefs.contrast ? 1 : 0}`, { path: '/', maxAge: year, sameSite: 'lax', httpOnly: true, secure: config.secureCookies });
      if (body.locale === 'vi' || body.locale === 'en') reply.setCookie(LOCALE_COOKIE, body.locale, { path: '/', maxAge: year, sameSite: 'lax', httpOnly: true, secure: config.secureCookies });
      return reply.redirect(safeReturnPath(body.return), 303);
    },
  });
  defineRoute(app, {
    method: 'GET',
    url: '/api/v1/openapi.json',
    access: { public: 'the API description is public' },
    handler: () => app.swagger(),
  });

  for (const f of opts.features) f.routes(app);
  return app;
}

function uniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; cause?: { code?: string } };
  return e?.code === '23505' || e?.cause?.code === '23505';
}

/** Request URLs in the logs, with CSRF tokens blanked (multipart forms carry them in the query). */
export function redactUrl(url: string): string {
  return url.replace(/([?&]_csrf=)[^&]*/g, '$1***');
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function safeOrigin(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return 'null';
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    sotayRoutes: { method: string; url: string; access: Access | undefined }[];
  }
}
