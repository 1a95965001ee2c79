// The one shape every feature plugs in with: its routes, the tiles it adds to the member's
// home, the links it adds to the administration page, and its background jobs.
import type { FastifyInstance } from 'fastify';
import type { RequestContext } from './http/context.ts';
import type { JobQueue } from './jobs/queue.ts';
import type { OfflinePages } from './offline/offline.ts';

export type HomeTile = { href: string; icon: string; label: string; sub?: string; count?: number };
export type AdminLink = { href: string; label: string; description: string };
/** A link a feature adds to the site navigation (after "Trang chủ"), for the people it concerns. */
export type NavLink = { href: string; label: string };

export type Feature = {
  name: string;
  routes: (app: FastifyInstance) => void;
  homeTiles?: (rc: RequestContext) => Promise<HomeTile[]> | HomeTile[];
  adminLinks?: (rc: RequestContext) => Promise<AdminLink[]> | AdminLink[];
  /** Links in the site navigation of every page; synchronous (pages render synchronously), so decide from `rc.actor` alone. */
  navLinks?: (rc: RequestContext) => NavLink[];
  jobs?: (queue: JobQueue) => void | Promise<void>;
  /** Pages of the logged-in person the service worker keeps for reading offline (their own only). */
  offlinePages?: (rc: RequestContext) => Promise<OfflinePages> | OfflinePages;
};
