// Routes are declared with `defineRoute`, which makes every route say who may call it:
// either public (with the reason) or guarded by an action of the policy module on a resource
// loaded from the request. A hook refuses any route that declares neither, so a route cannot
// bypass the policy by forgetting it.
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import type { ZodType } from 'zod';
import type { Action, ResourceFor } from '../policy/policy.ts';
import type { RequestContext } from './context.ts';

export type Guarded<A extends Action = Action, P = unknown, Q = unknown, B = unknown> = {
  action: A;
  /** Loads the resource the action applies to; null means "not found" (404). */
  resource: (req: { params: P; query: Q; body: B }, rc: RequestContext) => Promise<ResourceFor<A> | null> | ResourceFor<A> | null;
  /** Reachable while a first-login password change is pending (the change page itself). */
  duringPasswordChange?: boolean;
};
type AnyGuarded<P, Q, B> = { [A in Action]: Guarded<A, P, Q, B> }[Action];
export type Access<P = unknown, Q = unknown, B = unknown> = { public: string; csrf?: boolean } | AnyGuarded<P, Q, B>;

/** Guard helper that keeps the action and its resource type together. */
export function guard<A extends Action, P = unknown, Q = unknown, B = unknown>(
  action: A,
  resource: Guarded<A, P, Q, B>['resource'],
  opts: { duringPasswordChange?: boolean } = {},
): Guarded<A, P, Q, B> {
  return { action, resource, ...opts };
}

/** Guard for "any logged-in person, about themselves". */
export const self = (opts: { duringPasswordChange?: boolean } = {}) => guard('home.view', () => ({ type: 'self' as const }), opts);

export type RouteDef<P, Q, B> = {
  method: HTTPMethods | HTTPMethods[];
  url: string;
  access: Access<P, Q, B>;
  params?: ZodType<P>;
  query?: ZodType<Q>;
  /** JSON body schema (API routes). HTML forms parse their bodies in the handler with parseForm. */
  body?: ZodType<B>;
  /** OpenAPI description for /api/v1 routes. */
  doc?: { summary: string; tags: string[]; response?: Record<number, ZodType> };
  bodyLimit?: number;
  /** A tighter per-address limit than the global one (e.g. the login form). */
  rateLimit?: { max: number; timeWindow: string };
  handler: (req: FastifyRequest & { params: P; query: Q; body: B }, reply: FastifyReply, rc: RequestContext) => unknown;
};

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
}

export function defineRoute<P = unknown, Q = unknown, B = unknown>(app: FastifyInstance, def: RouteDef<P, Q, B>): void {
  const schema: Record<string, unknown> = {};
  if (def.params) schema.params = def.params;
  if (def.query) schema.querystring = def.query;
  if (def.body) schema.body = def.body;
  if (def.doc) {
    schema.summary = def.doc.summary;
    schema.tags = def.doc.tags;
    if (def.doc.response) schema.response = def.doc.response;
  } else {
    schema.hide = true;
  }
  app.route({
    method: def.method,
    url: def.url,
    schema,
    ...(def.bodyLimit ? { bodyLimit: def.bodyLimit } : {}),
    config: { access: def.access as unknown as Access, ...(def.rateLimit ? { rateLimit: def.rateLimit } : {}) },
    handler: (req, reply) => def.handler(req as never, reply, req.rc),
  });
}
