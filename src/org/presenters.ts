// The JSON shape of a unit in the API.
import { z } from 'zod';
import type { Unit } from './schema.ts';

export const unitJson = z.object({
  id: z.number(),
  name: z.string(),
  shortName: z.string().nullable(),
  code: z.string().nullable(),
  tree: z.enum(['party', 'state', 'external']),
  kind: z.string(),
  parentId: z.number().nullable(),
  depth: z.number(),
  status: z.enum(['active', 'closed']),
  closedAt: z.string().nullable(),
  mergedIntoId: z.number().nullable(),
});

export function presentUnit(u: Unit): z.infer<typeof unitJson> {
  return {
    id: u.id,
    name: u.name,
    shortName: u.shortName,
    code: u.code,
    tree: u.tree,
    kind: u.kind,
    parentId: u.parentId,
    depth: u.depth,
    status: u.status,
    closedAt: u.closedAt ? u.closedAt.toISOString() : null,
    mergedIntoId: u.mergedIntoId,
  };
}
