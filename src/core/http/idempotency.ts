// Idempotency keys for API writes: a request carrying `Idempotency-Key` runs once per account
// and key; a repeat (a phone replaying its offline queue, perhaps after logging in again) gets
// the first response back. A request that fails is forgotten, so it can be retried.
import { and, eq, lt } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from '../db/client.ts';
import { idempotencyKeys } from './schema.ts';
import { DomainError } from '../errors.ts';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
export const IDEMPOTENCY_HEADER = 'idempotency-key';
const KEY = /^[A-Za-z0-9_.:-]{8,100}$/;
/** A first attempt still "running" after this long died with its process. */
const ABANDONED_MS = 2 * 60_000;

declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: { accountId: number; key: string };
  }
}

function headerKey(req: FastifyRequest): string | undefined {
  const v = req.headers[IDEMPOTENCY_HEADER];
  return Array.isArray(v) ? v[0] : v;
}

export function registerIdempotency(app: FastifyInstance): void {
  app.addHook('preHandler', async (req, reply) => {
    const key = headerKey(req);
    if (key === undefined || !UNSAFE.has(req.method) || !req.rc.account) return;
    if (!KEY.test(key)) throw new DomainError('invalid', 'Idempotency-Key không hợp lệ (8–100 ký tự chữ, số, "-", "_", ".", ":").');
    const db = req.rc.db;
    const accountId = req.rc.account.id;
    const url = req.url;
    const inserted = await db.insert(idempotencyKeys).values({ accountId, key, method: req.method, url }).onConflictDoNothing().returning({ key: idempotencyKeys.key });
    if (inserted.length > 0) {
      req.idempotency = { accountId, key };
      return;
    }
    const where = and(eq(idempotencyKeys.accountId, accountId), eq(idempotencyKeys.key, key));
    let [seen] = await db.select().from(idempotencyKeys).where(where);
    if (seen && seen.status == null && Date.now() - seen.createdAt.getTime() > ABANDONED_MS) {
      // The first attempt never finished (the process died): let this one run instead.
      await db.update(idempotencyKeys).set({ createdAt: new Date(), method: req.method, url }).where(where);
      req.idempotency = { accountId, key };
      return;
    }
    if (!seen) [seen] = await db.select().from(idempotencyKeys).where(where);
    if (!seen) throw new DomainError('conflict', 'Yêu cầu đang được xử lý, hãy thử lại sau giây lát.', { code: 'in_progress' });
    if (seen.method !== req.method || seen.url !== url) throw new DomainError('invalid', 'Idempotency-Key này đã dùng cho một yêu cầu khác.', { code: 'idempotency_key_reused' });
    if (seen.status == null) throw new DomainError('conflict', 'Yêu cầu đang được xử lý, hãy thử lại sau giây lát.', { code: 'in_progress' });
    return reply.code(seen.status).header('idempotent-replayed', 'true').send(seen.body);
  });

  app.addHook('onSend', async (req, reply, payload) => {
    const id = req.idempotency;
    if (!id) return payload;
    req.idempotency = undefined;
    const db = req.rc.db;
    const where = and(eq(idempotencyKeys.accountId, id.accountId), eq(idempotencyKeys.key, id.key));
    if (reply.statusCode >= 200 && reply.statusCode < 300) {
      let body: unknown;
      try {
        body = typeof payload === 'string' ? JSON.parse(payload) : null;
      } catch {
        body = null;
      }
      await db.update(idempotencyKeys).set({ status: reply.statusCode, body: body as object }).where(where);
    } else {
      await db.delete(idempotencyKeys).where(where);
    }
    return payload;
  });
}

/** Forgets keys (and the responses kept with them) after three days: offline queues replay within hours. */
export async function purgeIdempotencyKeys(db: Db, now = new Date()): Promise<number> {
  const gone = await db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, new Date(now.getTime() - 3 * 24 * 3600_000))).returning({ key: idempotencyKeys.key });
  return gone.length;
}
