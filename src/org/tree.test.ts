import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { testDatabase, type TestDatabase } from '../../test/kit/db.ts';
import { closeUnit, createUnit, getUnit, mergeUnits, moveUnit, subtree } from './tree.ts';
import { SYSTEM_CONTEXT } from '../core/audit/audit.ts';
import { createMember, listMembers, memberHistory } from '../people/members.ts';
import { auditLog } from '../core/audit/schema.ts';
import { DomainError } from '../core/errors.ts';
import type { MemberInput } from '../people/validation.ts';

let d: TestDatabase;
before(async () => {
  d = await testDatabase();
});
after(() => d.close());
const who = SYSTEM_CONTEXT;
const tx = <T>(fn: (db: TestDatabase['db']) => Promise<T>) => d.db.transaction((t) => fn(t));
const member = (fullName: string, cardNumber: string): MemberInput => ({ fullName, birthDate: '1960-01-01', gender: 'male', phone: null, email: null, phoneKind: 'none', cardNumber, position: null, standing: 'official', joinedOn: '1990-01-01', officialOn: '1991-01-01', exempt: false });

test('units form trees of any depth, with paths that make a subtree one prefix query', async () => {
  const province = await tx((t) => createUnit(t, who, { parentId: null, kind: 'party_province', name: 'Tỉnh ủy A' }));
  let parent = province;
  for (let depth = 1; depth <= 6; depth++) parent = await tx((t) => createUnit(t, who, { parentId: parent.id, kind: 'party_subcommittee', name: `Cấp ${depth}` }));
  assert.equal(parent.depth, 6);
  assert.equal(parent.path, `${province.path}${parent.path.slice(province.path.length)}`);
  const all = await subtree(d.db, province.path);
  assert.equal(all.length, 7);
});

test('a unit cannot be placed in the other tree, under a cell, or inside itself', async () => {
  const party = await tx((t) => createUnit(t, who, { parentId: null, kind: 'party_province', name: 'Tỉnh ủy B' }));
  const state = await tx((t) => createUnit(t, who, { parentId: null, kind: 'people_committee', name: 'UBND tỉnh B' }));
  await assert.rejects(tx((t) => createUnit(t, who, { parentId: party.id, kind: 'department', name: 'Sở X' })), DomainError);
  const district = await tx((t) => createUnit(t, who, { parentId: party.id, kind: 'party_district', name: 'Huyện ủy B' }));
  const cell = await tx((t) => createUnit(t, who, { parentId: district.id, kind: 'cell', name: 'Chi bộ B' }));
  await assert.rejects(tx((t) => createUnit(t, who, { parentId: cell.id, kind: 'cell', name: 'Chi bộ con' })), /Chi bộ không có đơn vị trực thuộc/);
  await assert.rejects(tx((t) => moveUnit(t, who, district.id, state.id)), /cây tổ chức khác/);
  await assert.rejects(tx((t) => moveUnit(t, who, party.id, district.id)), /chính nó/);
});

test('moving a unit moves its whole subtree in one transaction, and is audited', async () => {
  const root = await tx((t) => createUnit(t, who, { parentId: null, kind: 'party_province', name: 'Tỉnh ủy C' }));
  const a = await tx((t) => createUnit(t, who, { parentId: root.id, kind: 'party_district', name: 'Huyện A' }));
  const b = await tx((t) => createUnit(t, who, { parentId: root.id, kind: 'party_district', name: 'Huyện B' }));
  const commune = await tx((t) => createUnit(t, who, { parentId: a.id, kind: 'party_grassroots', name: 'Xã 1' }));
  const cell = await tx((t) => createUnit(t, who, { parentId: commune.id, kind: 'cell', name: 'Chi bộ 1' }));
  await tx((t) => moveUnit(t, who, commune.id, b.id));
  const movedCell = await getUnit(d.db, cell.id);
  assert.ok(movedCell.path.startsWith(`${b.path}${commune.id}/`));
  assert.equal(movedCell.depth, 3);
  assert.equal((await subtree(d.db, a.path)).length, 1);
  assert.equal((await subtree(d.db, b.path)).length, 3);
  const entries = await d.db.select().from(auditLog).where(eq(auditLog.action, 'unit.move'));
  assert.ok(entries.some((e) => e.entityId === String(commune.id)));
});

test('a failed write leaves nothing behind', async () => {
  const root = await tx((t) => createUnit(t, who, { parentId: null, kind: 'party_province', name: 'Tỉnh ủy D' }));
  await assert.rejects(
    tx(async (t) => {
      await createUnit(t, who, { parentId: root.id, kind: 'party_district', name: 'Huyện sẽ mất' });
      throw new Error('boom');
    }),
  );
  assert.equal((await subtree(d.db, root.path)).length, 1);
});

test('merging communes closes the old ones and keeps their members and history findable under the new one', async () => {
  const root = await tx((t) => createUnit(t, who, { parentId: null, kind: 'party_province', name: 'Tỉnh ủy E' }));
  const x = await tx((t) => createUnit(t, who, { parentId: root.id, kind: 'party_grassroots', name: 'Xã X' }));
  const y = await tx((t) => createUnit(t, who, { parentId: root.id, kind: 'party_grassroots', name: 'Xã Y' }));
  const merged = await tx((t) => createUnit(t, who, { parentId: root.id, kind: 'party_grassroots', name: 'Xã XY' }));
  const cx = await tx((t) => createUnit(t, who, { parentId: x.id, kind: 'cell', name: 'Chi bộ X1' }));
  const cy = await tx((t) => createUnit(t, who, { parentId: y.id, kind: 'cell', name: 'Chi bộ Y1' }));
  const m1 = await tx((t) => createMember(t, who, { ...member('Nguyễn Văn Một', '91000001'), unitId: cx.id }));
  await tx((t) => createMember(t, who, { ...member('Trần Thị Hai', '91000002'), unitId: cy.id }));
  await tx((t) => mergeUnits(t, who, [x.id, y.id], merged.id, '2025-07-01'));
  const oldX = await getUnit(d.db, x.id);
  assert.equal(oldX.status, 'closed');
  assert.equal(oldX.mergedIntoId, merged.id);
  assert.ok(oldX.path.startsWith(merged.path), 'the closed unit stands under the new one');
  assert.ok((await getUnit(d.db, cx.id)).path.startsWith(merged.path), 'its cells moved to the new unit');
  const members = await listMembers(d.db, { subtreePath: merged.path });
  assert.deepEqual(members.map((m) => m.fullName).sort(), ['Nguyễn Văn Một', 'Trần Thị Hai']);
  const active = await subtree(d.db, merged.path);
  assert.ok(!active.some((u) => u.id === x.id), 'closed units leave the active tree');
  const withHistory = await subtree(d.db, merged.path, { includeClosed: true });
  assert.ok(withHistory.some((u) => u.id === x.id) && withHistory.some((u) => u.id === y.id));
  assert.equal((await getUnit(d.db, x.id)).status, 'closed');
  await assert.rejects(tx((t) => closeUnit(t, who, x.id)), /đã đóng/);
  assert.ok((await memberHistory(d.db, m1.personId)).some((h) => h.event.kind === 'created'));
});

test('closing a unit that still has members is refused with the count', async () => {
  const root = await tx((t) => createUnit(t, who, { parentId: null, kind: 'party_province', name: 'Tỉnh ủy F' }));
  const cell = await tx((t) => createUnit(t, who, { parentId: root.id, kind: 'cell', name: 'Chi bộ F' }));
  await tx((t) => createMember(t, who, { ...member('Lê Văn Ba', '92000001'), unitId: cell.id }));
  await assert.rejects(tx((t) => closeUnit(t, who, cell.id)), /còn 1 đảng viên/);
});
