// Unit pages (the cell's page, a committee's page), unit administration, and the units API.
import { and, eq, isNull } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ComponentChildren } from 'preact';
import { z } from 'zod';
import type { Feature } from '../core/feature.ts';
import type { RequestContext } from '../core/http/context.ts';
import { defineRoute, guard } from '../core/http/routes.ts';
import { redirectWithFlash, sendPage } from '../core/http/render.ts';
import { cleanBody, formValues, idParam } from '../core/http/forms.ts';
import { can, isSystemAdmin } from '../core/policy/policy.ts';
import { loadUnitResource, unitResource } from '../core/policy/resources.ts';
import { DomainError } from '../core/errors.ts';
import { parseDate } from '../core/i18n/i18n.ts';
import { accounts, roleAssignments } from '../core/auth/schema.ts';
import { people } from '../people/schema.ts';
import { countMembers, listMembers, memberCountsByChild } from '../people/members.ts';
import { ancestors, children, closeUnit, createUnit, findUnit, getUnit, mergeUnits, moveUnit, renameUnit, searchUnits } from './tree.ts';
import { ALL_UNIT_KINDS, type Unit, type UnitKind } from './schema.ts';
import { presentUnit, unitJson } from './presenters.ts';
import { orgMessages } from './messages.ts';
import { UnitAdminPage, UnitPage } from './views.tsx';

const byId = guard('unit.view', (req: { params: { id: number } }, rc) => loadUnitResource(rc.db, req.params.id));

/** A section another feature adds to a unit's page (e.g. what was published to the unit); null shows nothing. */
export type UnitSection = (rc: RequestContext, unit: Unit) => Promise<ComponentChildren> | ComponentChildren;
declare module 'fastify' {
  interface FastifyInstance {
    unitSections?: UnitSection[];
  }
}
/** Features add sections to the unit page from their `routes(app)`, in the order they register. */
export function addUnitSection(app: FastifyInstance, section: UnitSection): void {
  if (!app.hasDecorator('unitSections')) app.decorate('unitSections', [] as UnitSection[]);
  app.unitSections!.push(section);
}

async function secretariesOf(rc: RequestContext, unitId: number): Promise<string[]> {
  const rows = await rc.db
    .select({ name: people.fullName })
    .from(roleAssignments)
    .innerJoin(accounts, eq(accounts.id, roleAssignments.accountId))
    .innerJoin(people, eq(people.id, accounts.personId))
    .where(and(eq(roleAssignments.unitId, unitId), eq(roleAssignments.role, 'cell_secretary'), isNull(roleAssignments.revokedAt)));
  return rows.map((r) => r.name);
}


async function unitAdminPage(rc: RequestContext, unit: Unit, extra: { errors?: Record<string, string>; values?: Record<string, string>; section?: string } = {}) {
  return <UnitAdminPage rc={rc} unit={unit} ancestors={await ancestors(rc.db, unit)} {...extra} />;
}

/** Runs a unit command; a domain error re-renders the admin page with the message in its section. */
async function unitCommand(rc: RequestContext, reply: FastifyReply, unitId: number, section: string, body: unknown, run: () => Promise<string>) {
  try {
    const message = await run();
    return redirectWithFlash(reply, `/admin/units/${unitId}`, message);
  } catch (e) {
    if (!(e instanceof DomainError) || e.code === 'forbidden') throw e;
    const unit = await getUnit(rc.db, unitId);
    return sendPage(reply, await unitAdminPage(rc, unit, { errors: { _form: e.message }, values: formValues(body), section }), e.status);
  }
}

export const orgFeature: Feature = {
  name: 'org',
  homeTiles: (rc) => {
    const cell = rc.actor?.membership;
    if (!cell) return [];
    return [{ href: `/units/${cell.temporaryUnitId ?? cell.unitId}`, icon: '🏠', label: rc.t.home.tiles.myCell }];
  },
  routes: (app: FastifyInstance) => {
    defineRoute<{ id: number }>(app, {
      method: 'GET',
      url: '/units/:id',
      params: idParam,
      access: byId,
      handler: async (req, reply, rc) => {
        const unit = await getUnit(rc.db, req.params.id);
        const res = unitResource(unit);
        const allKids = await children(rc.db, unit.id, { includeClosed: true });
        const kids = allKids.filter((k) => k.status === 'active');
        const counts = await memberCountsByChild(rc.db, unit);
        const showMembers = unit.kind === 'cell' && can(rc.actor, 'unit.list_members', res);
        return sendPage(
          reply,
          <UnitPage
            rc={rc}
            unit={unit}
            ancestors={await ancestors(rc.db, unit)}
            children={kids.map((k) => ({ ...k, memberCount: counts.get(k.id) ?? 0 }))}
            closedChildren={allKids.filter((k) => k.status === 'closed')}
            members={showMembers ? await listMembers(rc.db, { cellId: unit.id, limit: 1000 }) : null}
            memberCount={await countMembers(rc.db, unit.path)}
            secretaries={unit.kind === 'cell' ? await secretariesOf(rc, unit.id) : []}
            mergedInto={unit.mergedIntoId ? ((await findUnit(rc.db, unit.mergedIntoId)) ?? null) : null}
            sections={await Promise.all((req.server.unitSections ?? []).map((section) => section(rc, unit)))}
          />,
        );
      },
    });

    // Administration of one unit.
    const manage = guard('unit.rename', (req: { params: { id: number } }, rc) => loadUnitResource(rc.db, req.params.id));
    defineRoute<{ id: number }>(app, {
      method: 'GET',
      url: '/admin/units/:id',
      params: idParam,
      access: manage,
      handler: async (req, reply, rc) => sendPage(reply, await unitAdminPage(rc, await getUnit(rc.db, req.params.id))),
    });
    defineRoute<{ id: number }>(app, {
      method: 'POST',
      url: '/admin/units/:id/rename',
      params: idParam,
      access: manage,
      handler: async (req, reply, rc) => {
        const b = cleanBody(req.body) as { name?: string; shortName?: string };
        return unitCommand(rc, reply, req.params.id, 'rename', req.body, async () => {
          await rc.db.transaction((tx) => renameUnit(tx, rc.who, req.params.id, { name: b.name ?? '', shortName: b.shortName ?? null }));
          return orgMessages(rc.locale).admin.renamed;
        });
      },
    });
    defineRoute<{ id: number }>(app, {
      method: 'POST',
      url: '/admin/units/:id/children',
      params: idParam,
      access: guard('unit.create_child', (req: { params: { id: number } }, rc) => loadUnitResource(rc.db, req.params.id)),
      handler: async (req, reply, rc) => {
        const b = cleanBody(req.body) as { name?: string; kind?: string; code?: string };
        return unitCommand(rc, reply, req.params.id, 'child', req.body, async () => {
          if (!ALL_UNIT_KINDS.includes(b.kind as UnitKind)) throw new DomainError('invalid', 'Hãy chọn loại đơn vị.');
          const created = await rc.db.transaction((tx) => createUnit(tx, rc.who, { parentId: req.params.id, kind: b.kind as UnitKind, name: b.name ?? '', code: b.code ?? null }));
          return `${orgMessages(rc.locale).admin.created} ${created.name} (${created.id})`;
        });
      },
    });
    const restructure = guard('unit.restructure', (req: { params: { id: number } }, rc) => loadUnitResource(rc.db, req.params.id));
    defineRoute<{ id: number }>(app, {
      method: 'POST',
      url: '/admin/units/:id/move',
      params: idParam,
      access: restructure,
      handler: async (req, reply, rc) => {
        const b = cleanBody(req.body) as { parentId?: string };
        return unitCommand(rc, reply, req.params.id, 'move', req.body, async () => {
          const parentId = Number(b.parentId);
          const target = Number.isInteger(parentId) && parentId > 0 ? await loadUnitResource(rc.db, parentId) : null;
          if (!target) throw new DomainError('invalid', 'Không tìm thấy đơn vị cấp trên mới với mã số này.');
          if (!can(rc.actor, 'unit.create_child', target)) throw new DomainError('invalid', 'Đồng chí không có quyền quản trị đơn vị cấp trên mới.');
          await rc.db.transaction((tx) => moveUnit(tx, rc.who, req.params.id, parentId));
          return orgMessages(rc.locale).admin.moved;
        });
      },
    });
    defineRoute<{ id: number }>(app, {
      method: 'POST',
      url: '/admin/units/:id/close',
      params: idParam,
      access: restructure,
      handler: async (req, reply, rc) =>
        unitCommand(rc, reply, req.params.id, 'close', req.body, async () => {
          await rc.db.transaction((tx) => closeUnit(tx, rc.who, req.params.id));
          return orgMessages(rc.locale).admin.closedDone;
        }),
    });
    defineRoute<{ id: number }>(app, {
      method: 'POST',
      url: '/admin/units/:id/merge',
      params: idParam,
      access: guard('unit.create_child', (req: { params: { id: number } }, rc) => loadUnitResource(rc.db, req.params.id)),
      handler: async (req, reply, rc) => {
        const b = cleanBody(req.body) as { sources?: string; effectiveOn?: string };
        return unitCommand(rc, reply, req.params.id, 'merge', req.body, async () => {
          const ids = (b.sources ?? '').split(/[\s,;]+/).filter(Boolean).map(Number);
          if (ids.length === 0 || ids.some((n) => !Number.isInteger(n) || n <= 0)) throw new DomainError('invalid', 'Mã số đơn vị không hợp lệ: hãy nhập các số, cách nhau bởi dấu phẩy.');
          const date = parseDate(b.effectiveOn ?? '');
          if (!date) throw new DomainError('invalid', 'Ngày hợp nhất không hợp lệ (dd/mm/yyyy).');
          for (const id of ids) {
            const res = await loadUnitResource(rc.db, id);
            if (!res) throw new DomainError('invalid', `Không tìm thấy đơn vị mã số ${id}.`);
            if (!can(rc.actor, 'unit.restructure', res)) throw new DomainError('invalid', `Đồng chí không có quyền hợp nhất đơn vị mã số ${id}.`);
          }
          await rc.db.transaction((tx) => mergeUnits(tx, rc.who, ids, req.params.id, date));
          return orgMessages(rc.locale).admin.merged;
        });
      },
    });

    // JSON API.
    defineRoute<{ id: number }>(app, {
      method: 'GET',
      url: '/api/v1/units/:id',
      params: idParam,
      access: byId,
      doc: { summary: 'A unit', tags: ['units'], response: { 200: unitJson } },
      handler: async (req) => presentUnit(await getUnit(req.rc.db, req.params.id)),
    });
    defineRoute<{ id: number }>(app, {
      method: 'GET',
      url: '/api/v1/units/:id/children',
      params: idParam,
      access: byId,
      doc: { summary: 'Active sub-units of a unit', tags: ['units'], response: { 200: z.object({ units: z.array(unitJson) }) } },
      handler: async (req) => ({ units: (await children(req.rc.db, req.params.id)).map(presentUnit) }),
    });
    defineRoute<{ id: number }>(app, {
      method: 'GET',
      url: '/api/v1/units/:id/members',
      params: idParam,
      access: guard('unit.list_members', (req: { params: { id: number } }, rc) => loadUnitResource(rc.db, req.params.id)),
      doc: {
        summary: "Members of a cell (a fellow member sees names and positions; the cell's leaders and committees see the records)",
        tags: ['units', 'members'],
        response: { 200: z.object({ members: z.array(z.object({ personId: z.number(), fullName: z.string(), position: z.string().nullable(), record: z.record(z.string(), z.unknown()).optional() })) }) },
      },
      handler: async (req, _reply, rc) => {
        const unit = await getUnit(rc.db, req.params.id);
        const rows = await listMembers(rc.db, unit.kind === 'cell' ? { cellId: unit.id, limit: 5000 } : { subtreePath: unit.path, limit: 5000 });
        return {
          members: rows.map((r) => {
            // Judged on the member's own cell, not the cell asked about (temporary attendees come from elsewhere).
            const full = can(rc.actor, 'member.view_record', { type: 'member', personId: r.personId, unitPath: r.unitPath, temporaryUnitPath: r.temporaryUnitPath });
            return { personId: r.personId, fullName: r.fullName, position: r.position, ...(full ? { record: { ...r } } : {}) };
          }),
        };
      },
    });
    const createBody = z.object({ parentId: z.number().int().positive(), kind: z.enum(ALL_UNIT_KINDS as [UnitKind, ...UnitKind[]]), name: z.string().min(2).max(200), code: z.string().max(50).optional() });
    defineRoute<unknown, unknown, z.infer<typeof createBody>>(app, {
      method: 'POST',
      url: '/api/v1/units',
      body: createBody,
      access: guard('unit.create_child', (req: { body: z.infer<typeof createBody> }, rc) => loadUnitResource(rc.db, req.body.parentId)),
      doc: { summary: 'Create a sub-unit', tags: ['units'], response: { 201: unitJson } },
      handler: async (req, reply, rc) => {
        const u = await rc.db.transaction((tx) => createUnit(tx, rc.who, { parentId: req.body.parentId, kind: req.body.kind, name: req.body.name, code: req.body.code ?? null }));
        return reply.code(201).send(presentUnit(u));
      },
    });
    const moveBody = z.object({ parentId: z.number().int().positive() });
    defineRoute<{ id: number }, unknown, z.infer<typeof moveBody>>(app, {
      method: 'POST',
      url: '/api/v1/units/:id/move',
      params: idParam,
      body: moveBody,
      access: restructure,
      doc: { summary: 'Move a unit with its subtree under a new parent', tags: ['units'], response: { 200: unitJson } },
      handler: async (req, _reply, rc) => {
        const target = await loadUnitResource(rc.db, req.body.parentId);
        if (!target || !can(rc.actor, 'unit.create_child', target)) throw new DomainError('forbidden', rc.t.errors.forbidden);
        return presentUnit(await rc.db.transaction((tx) => moveUnit(tx, rc.who, req.params.id, req.body.parentId)));
      },
    });
    defineRoute<unknown, { q?: string }>(app, {
      method: 'GET',
      url: '/api/v1/units',
      query: z.object({ q: z.string().max(100).optional() }),
      access: guard('home.view', () => ({ type: 'self' as const })),
      doc: { summary: 'Units the caller may see, optionally filtered by name (diacritics optional)', tags: ['units'], response: { 200: z.object({ units: z.array(unitJson) }) } },
      handler: async (req, _reply, rc) => {
        const a = rc.actor!;
        const scopes = isSystemAdmin(a) ? [null] : [...new Set([...a.grants.map((g) => g.path), a.membership?.path ?? null].filter((p): p is string => p != null))];
        const found = new Map<number, Unit>();
        for (const scope of scopes) for (const u of await searchUnits(rc.db, scope, req.query.q ?? '', 50)) found.set(u.id, u);
        return { units: [...found.values()].filter((u) => can(a, 'unit.view', unitResource(u))).slice(0, 50).map(presentUnit) };
      },
    });
  },
};
