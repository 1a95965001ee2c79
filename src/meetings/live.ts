// Live results in the meeting room: every change to a meeting's questions and answers sends
// NOTIFY sotay_meetings '<meeting id>' inside its transaction (delivered on commit). Every app
// instance LISTENs on the database — a dedicated connection on PostgreSQL, PGlite's own listener
// when embedded — and pushes a fresh summary of that meeting to the browsers it holds open
// (server-sent events). Instances sharing one PostgreSQL thus all see every vote.
//
// A burst of votes is coalesced per meeting: while one summary is being computed, further
// notifications only mark it stale, and one more summary follows.
import pg from 'pg';
import { sql } from 'drizzle-orm';
import type { PGlite } from '@electric-sql/pglite';
import type { Db } from '../core/db/client.ts';

export const CHANNEL = 'sotay_meetings';

/** Tells every instance that this meeting changed (on commit of the caller's transaction). */
export async function signalMeeting(tx: Db, meetingId: number): Promise<void> {
  await tx.execute(sql`select pg_notify(${CHANNEL}, ${String(meetingId)})`);
}

type Subscriber = (data: string) => void;

export class LiveHub {
  private subs = new Map<number, Set<Subscriber>>();
  private enders = new Set<() => void>();
  private state = new Map<number, 'running' | 'stale'>();
  private listening: Promise<void> | null = null;
  private unlisten: (() => Promise<void>) | null = null;
  private stopped = false;

  constructor(
    private readonly summarise: (db: Db, meetingId: number) => Promise<unknown>,
    private readonly log: (msg: string, err?: unknown) => void = () => {},
  ) {}

  /** Adds a browser to a meeting's room; returns the function that removes it. */
  async subscribe(db: Db, meetingId: number, send: Subscriber, end: () => void = () => {}): Promise<() => void> {
    // Registered before anything is awaited, so a shutdown meanwhile still ends this stream.
    let set = this.subs.get(meetingId);
    if (!set) this.subs.set(meetingId, (set = new Set()));
    set.add(send);
    this.enders.add(end);
    const unsubscribe = () => {
      set.delete(send);
      this.enders.delete(end);
      if (set.size === 0 && this.subs.get(meetingId) === set) this.subs.delete(meetingId);
    };
    if (this.stopped) {
      unsubscribe();
      end();
      return unsubscribe;
    }
    await this.listen(db);
    return unsubscribe;
  }

  /** Ends every open stream (the server is shutting down; browsers reconnect to another instance). */
  endAll(): void {
    for (const end of [...this.enders]) end();
    this.enders.clear();
  }

  /** How many browsers this instance holds open for a meeting. */
  size(meetingId: number): number {
    return this.subs.get(meetingId)?.size ?? 0;
  }

  async summary(db: Db, meetingId: number): Promise<string> {
    return JSON.stringify(await this.summarise(db, meetingId));
  }

  private listen(db: Db): Promise<void> {
    return (this.listening ??= this.start(db).catch((e) => {
      this.listening = null;
      throw e;
    }));
  }

  private async start(db: Db): Promise<void> {
    const client = (db as unknown as { $client: unknown }).$client;
    const onMessage = (payload: string | undefined) => {
      const id = Number(payload);
      if (Number.isInteger(id) && this.subs.has(id)) this.refresh(db, id);
    };
    if (client && typeof (client as PGlite).listen === 'function' && !(client instanceof pg.Pool)) {
      const unsub = await (client as PGlite).listen(CHANNEL, onMessage);
      this.unlisten = unsub;
      return;
    }
    const pool = client as pg.Pool;
    const connect = async (): Promise<void> => {
      const c = new pg.Client(pool.options);
      c.on('notification', (n) => onMessage(n.payload));
      c.on('error', (e) => {
        this.log('meetings: live connection lost, reconnecting', e);
        c.end().catch(() => {});
        if (!this.stopped) setTimeout(() => void connect().catch((err) => this.log('meetings: reconnect failed', err)), 1000).unref();
      });
      await c.connect();
      await c.query(`LISTEN ${CHANNEL}`);
      this.unlisten = async () => {
        c.removeAllListeners('error');
        c.on('error', () => {});
        await c.end();
      };
    };
    await connect();
  }

  private refresh(db: Db, meetingId: number): void {
    const s = this.state.get(meetingId);
    if (s) {
      this.state.set(meetingId, 'stale');
      return;
    }
    this.state.set(meetingId, 'running');
    void (async () => {
      try {
        for (;;) {
          const data = await this.summary(db, meetingId);
          for (const send of this.subs.get(meetingId) ?? []) send(data);
          if (this.state.get(meetingId) !== 'stale' || this.stopped) break;
          this.state.set(meetingId, 'running');
        }
      } catch (e) {
        this.log('meetings: live summary failed', e);
      } finally {
        this.state.delete(meetingId);
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.endAll();
    this.subs.clear();
    const u = this.unlisten;
    this.unlisten = null;
    this.listening = null;
    if (u) await u().catch(() => {});
  }
}
