// The documents rules of the policy module, and their SQL twin: for every demo login and every
// document, 'document.view' allows exactly the documents the library lists (libraryScope).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { testDatabase, type TestDatabase } from '../../test/kit/db.ts';
import { accountByLogin, unitByCode, unitByName } from '../../test/kit/demo.ts';
import { SYSTEM_CONTEXT } from '../core/audit/audit.ts';
import { loadActor } from '../core/auth/actor.ts';
import { can, libraryScope } from '../core/policy/policy.ts';
import { unitResource } from '../core/policy/resources.ts';
import { documents } from './schema.ts';
import { loadDocumentResource, registerDocument } from './documents.ts';
import { searchLibrary } from './search.ts';
import { validateDocument } from './validation.ts';

let t: TestDatabase;
before(async () => {
  t = await testDatabase({ demo: true });
  // A classified document in a commune, one in the province.
  for (const [code, number] of [['TB-DT', '3-CV/HU'], ['TB', '4-CV/TU']] as const) {
    const v = validateDocument({ direction: 'incoming', number, kind: 'cong_van', issuer: 'Tỉnh ủy Bình Phước', subject: 'Về công tác bảo vệ bí mật nhà nước', secrecy: 'mat', entryDate: '02/02/2022', text: 'MẬT\nNội dung.' }, 'vi');
    if (!v.ok) throw new Error(JSON.stringify(v.errors));
    await registerDocument(t.db, SYSTEM_CONTEXT, { unitId: (await unitByCode(t.db, code)).id, input: v.value });
  }
});
after(() => t.close());

const LOGINS = ['admin', 'bantochuc', 'vanthu.tinhuy', 'vanthu.thanhuy', '0912000101', '0912000102', '0912000112', '0912000201', '0912000301', 'quantri.ubnd', 'vanthu.ubnd'];

test("'document.view' and the library's SQL scope agree for every demo login and every document", async () => {
  const all = await t.db.select({ id: documents.id }).from(documents);
  assert.ok(all.length >= 14);
  for (const login of LOGINS) {
    const actor = (await loadActor(t.db, (await accountByLogin(t.db, login)).id))!;
    const listed = new Set((await searchLibrary(t.db, libraryScope(actor), {}, { pageSize: 100 })).hits.map((h) => h.id));
    for (const d of all) {
      const res = (await loadDocumentResource(t.db, d.id))!;
      assert.equal(listed.has(d.id), can(actor, 'document.view', res), `${login} / document ${d.id}`);
    }
  }
});

test('who registers, who reads registers, who may publish', async () => {
  const actor = async (login: string) => (await loadActor(t.db, (await accountByLogin(t.db, login)).id))!;
  const dongTho = unitResource(await unitByName(t.db, 'Đảng ủy xã Đông Thọ'));
  const phuKhanh = unitResource(await unitByName(t.db, 'Đảng ủy phường Phú Khánh'));
  const cell = unitResource(await unitByCode(t.db, 'TB-DT-1'));
  const vpcp = unitResource(await unitByName(t.db, 'Văn phòng Chính phủ'));
  const clerk = await actor('0912000102');
  assert.equal(can(clerk, 'document.intake', dongTho), true);
  assert.equal(can(clerk, 'document.intake', phuKhanh), false);
  assert.equal(can(clerk, 'document.intake', cell), false, 'a cell keeps no register');
  assert.equal(can(await actor('admin'), 'document.intake', vpcp), false, 'outside issuers keep no register');
  assert.equal(can(await actor('0912000101'), 'register.view', dongTho), true, 'the committee reads its register');
  assert.equal(can(await actor('0912000101'), 'document.intake', dongTho), false, 'but registering is the office clerk’s');
  assert.equal(can(await actor('0912000201'), 'register.view', dongTho), false, 'a cell secretary has no register');
  assert.equal(can(await actor('vanthu.ubnd'), 'register.view', dongTho), false, 'the state tree never reaches the party tree');
  // Publishing (the distribution feature): committee members, never a classified document — not even the system administrator.
  const [secret] = await t.db.select({ id: documents.id }).from(documents).where(eq(documents.number, '4-CV/TU'));
  const [open] = await t.db.select({ id: documents.id }).from(documents).where(eq(documents.number, '89/TB-VPCP'));
  const secretRes = (await loadDocumentResource(t.db, secret!.id))!;
  const openRes = (await loadDocumentResource(t.db, open!.id))!;
  for (const login of ['admin', 'bantochuc', 'vanthu.tinhuy']) assert.equal(can(await actor(login), 'document.publish', secretRes), false, login);
  assert.equal(can(await actor('bantochuc'), 'document.publish', openRes), true);
  assert.equal(can(await actor('vanthu.tinhuy'), 'document.publish', openRes), false, 'a clerk registers, the committee publishes');
  assert.equal(can(await actor('vanthu.tinhuy'), 'document.view', secretRes), true);
  assert.equal(can(await actor('vanthu.tinhuy'), 'document.edit', secretRes), true);
  assert.equal(can(await actor('admin'), 'document.view', secretRes), false);
});
