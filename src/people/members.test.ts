import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabase, type TestDatabase } from '../../test/kit/db.ts';
import { SYSTEM_CONTEXT } from '../core/audit/audit.ts';
import { createUnit } from '../org/tree.ts';
import { changeMemberStatus, createMember, getMemberRecord, listMembers, memberHistory, transferMember } from './members.ts';
import { validateMember, type MemberInput } from './validation.ts';
import { compareNames } from '../core/text/vietnamese.ts';
import { DomainError } from '../core/errors.ts';

let d: TestDatabase;
before(async () => {
  d = await testDatabase();
});
after(() => d.close());
const who = SYSTEM_CONTEXT;
const base: MemberInput = { fullName: '', birthDate: '1960-01-01', gender: 'male', phone: null, email: null, phoneKind: 'none', cardNumber: null, position: null, standing: 'official', joinedOn: '1990-01-01', officialOn: '1991-01-01', exempt: false };

test('members are listed by given name, then family and middle names, as Intl.Collator("vi") sorts them', async () => {
  const root = await d.db.transaction((t) => createUnit(t, who, { parentId: null, kind: 'party_province', name: 'Tỉnh ủy S' }));
  const cell = await d.db.transaction((t) => createUnit(t, who, { parentId: root.id, kind: 'cell', name: 'Chi bộ S' }));
  const names = ['Nguyễn Văn Ánh', 'Trần Thị Anh', 'Lê Văn An', 'Đặng Văn Ân', 'Phạm Thị Ấn', 'Bùi Thị Ẩn', 'Nguyễn Thị Bình', 'Vũ Văn Đông', 'Hoàng Văn Dũng', 'Trần Văn Ân', 'Nguyễn Văn Ân', 'Đỗ Thị Ơn', 'Ngô Văn Ô', 'Lý Thị Ư', 'Hồ Văn U', 'Đinh Thị Yến', 'Ngô Thị Ý'];
  for (const [i, n] of names.entries()) await d.db.transaction((t) => createMember(t, who, { ...base, fullName: n, cardNumber: String(80000000 + i), unitId: cell.id }));
  const listed = (await listMembers(d.db, { cellId: cell.id })).map((r) => r.fullName);
  assert.deepEqual(listed, [...names].sort(compareNames));
  assert.equal(listed[0], 'Lê Văn An');
});

test('search finds a member without diacritics, by card number and by phone', async () => {
  const root = await d.db.transaction((t) => createUnit(t, who, { parentId: null, kind: 'party_province', name: 'Tỉnh ủy Q' }));
  const cell = await d.db.transaction((t) => createUnit(t, who, { parentId: root.id, kind: 'cell', name: 'Chi bộ Q' }));
  await d.db.transaction((t) => createMember(t, who, { ...base, fullName: 'Đặng Thị Hường', cardNumber: '70000001', phone: '0911222333', unitId: cell.id }));
  assert.equal((await listMembers(d.db, { subtreePath: root.path, q: 'dang thi huong' })).length, 1);
  assert.equal((await listMembers(d.db, { subtreePath: root.path, q: '70000001' })).length, 1);
  assert.equal((await listMembers(d.db, { subtreePath: root.path, q: '0911222333' })).length, 1);
});

test('transfers and status changes keep the whole history, and nothing is deleted', async () => {
  const root = await d.db.transaction((t) => createUnit(t, who, { parentId: null, kind: 'party_province', name: 'Tỉnh ủy T' }));
  const a = await d.db.transaction((t) => createUnit(t, who, { parentId: root.id, kind: 'cell', name: 'Chi bộ A' }));
  const b = await d.db.transaction((t) => createUnit(t, who, { parentId: root.id, kind: 'cell', name: 'Chi bộ B' }));
  const m = await d.db.transaction((t) => createMember(t, who, { ...base, fullName: 'Phạm Văn Tư', cardNumber: '60000001', unitId: a.id }));
  await d.db.transaction((t) => transferMember(t, who, m.personId, { toUnitId: b.id, temporary: true, effectiveOn: '2024-03-01' }));
  let r = await getMemberRecord(d.db, m.personId);
  assert.equal(r.member.status, 'temporarily_transferred');
  assert.equal(r.member.unitId, a.id, 'a temporary transfer keeps the official cell');
  assert.ok((await listMembers(d.db, { cellId: b.id })).some((x) => x.personId === m.personId), 'the member appears in the cell attended');
  await d.db.transaction((t) => changeMemberStatus(t, who, m.personId, 'return_from_temporary', '2024-09-01'));
  await d.db.transaction((t) => transferMember(t, who, m.personId, { toUnitId: b.id, temporary: false, effectiveOn: '2025-01-01' }));
  await d.db.transaction((t) => changeMemberStatus(t, who, m.personId, 'deceased', '2025-06-01'));
  r = await getMemberRecord(d.db, m.personId);
  assert.equal(r.member.unitId, b.id);
  assert.equal(r.member.status, 'deceased');
  // The history runs by effective date; the record itself was created today.
  const kinds = (await memberHistory(d.db, m.personId)).map((h) => h.event.kind);
  assert.deepEqual(kinds, ['temporary_transfer', 'temporary_return', 'transferred', 'deceased', 'created']);
  assert.equal((await listMembers(d.db, { cellId: b.id })).filter((x) => x.personId === m.personId).length, 0);
  assert.equal((await listMembers(d.db, { cellId: b.id, includeFormer: true })).filter((x) => x.personId === m.personId).length, 1);
  await assert.rejects(d.db.transaction((t) => transferMember(t, who, m.personId, { toUnitId: a.id, temporary: false, effectiveOn: '2025-07-01' })), DomainError);
});

test('a duplicate card number is refused', async () => {
  const root = await d.db.transaction((t) => createUnit(t, who, { parentId: null, kind: 'party_province', name: 'Tỉnh ủy R' }));
  const cell = await d.db.transaction((t) => createUnit(t, who, { parentId: root.id, kind: 'cell', name: 'Chi bộ R' }));
  await d.db.transaction((t) => createMember(t, who, { ...base, fullName: 'Lê Thị Năm', cardNumber: '50000001', unitId: cell.id }));
  await assert.rejects(d.db.transaction((t) => createMember(t, who, { ...base, fullName: 'Lê Thị Sáu', cardNumber: '50000001', unitId: cell.id })), /đã có trong hệ thống/);
});

test('validation explains each bad field in Vietnamese', () => {
  const v = validateMember({ fullName: 'X', birthDate: '31/02/1960', gender: 'khác', phone: '123', cardNumber: 'AB', standing: 'lạ', exempt: 'có lẽ', joinedOn: '01/01/1990', officialOn: '01/01/1989' }, 'vi', '2026-11-22');
  assert.equal(v.ok, false);
  if (v.ok) return;
  assert.match(v.errors.fullName!, /ít nhất hai từ/);
  assert.match(v.errors.birthDate!, /không có trên lịch/);
  assert.match(v.errors.gender!, /Nam/);
  assert.match(v.errors.phone!, /điện thoại/);
  assert.match(v.errors.cardNumber!, /chữ số/);
  assert.match(v.errors.standing!, /Chính thức/);
  assert.match(v.errors.exempt!, /Có/);
  assert.match(v.errors.officialOn!, /sau ngày vào Đảng/);
  const tooYoung = validateMember({ fullName: 'Lê Văn Trẻ', birthDate: '01/01/1980', joinedOn: '01/01/1975', officialOn: '01/01/1976' }, 'vi', '2026-11-22');
  assert.equal(tooYoung.ok, false);
  if (!tooYoung.ok) assert.match(tooYoung.errors.joinedOn!, /đủ 18 tuổi/);
  const badFormat = validateMember({ fullName: 'Lê Văn Ba', birthDate: 'hôm qua' }, 'vi', '2026-11-22');
  if (!badFormat.ok) assert.match(badFormat.errors.birthDate!, /ngày\/tháng\/năm/);
  const ok = validateMember({ fullName: ' Nguyễn  Văn   An ', birthDate: '2/9/1955', gender: 'Nam', phone: '+84 912 345 678', cardNumber: '12.345678', standing: 'Chính thức', joinedOn: '1980-05-19', officialOn: '19/05/1981', exempt: 'Có' }, 'vi', '2026-11-22');
  assert.equal(ok.ok, true);
  if (!ok.ok) return;
  assert.equal(ok.value.fullName, 'Nguyễn Văn An');
  assert.equal(ok.value.birthDate, '1955-09-02');
  assert.equal(ok.value.phone, '0912345678');
  assert.equal(ok.value.cardNumber, '12345678');
  assert.equal(ok.value.exempt, true);
});
