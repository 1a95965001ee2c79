// Correcting the header of a registered document: the fields change in one transaction, the
// duplicate check runs again, citations re-link on both ends, the audit log holds before and after
// (only the names of the changed fields for a classified document), a stale form is refused, and
// a failure leaves nothing half-saved. Concurrency proofs run on PostgreSQL only.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { and, desc, eq } from 'drizzle-orm';
import { onPostgres, testDatabase, type TestDatabase } from '../../test/kit/db.ts';
import { unitByCode, unitByName } from '../../test/kit/demo.ts';
import { SYSTEM_CONTEXT } from '../core/audit/audit.ts';
import { auditLog } from '../core/audit/schema.ts';
import { DomainError } from '../core/errors.ts';
import { correctDocument, DuplicateDocumentError, entryOfDocument, getDocument, getDocumentText, registerDocument, relatedDocuments, type DocumentSummary } from './documents.ts';
import { searchLibrary } from './search.ts';
import { documentLinks } from './schema.ts';
import { validateCorrection, validateDocument, type RawDocument } from './validation.ts';

let t: TestDatabase;
before(async () => {
  t = await testDatabase({ demo: true, ...(onPostgres() ? { poolSize: 8 } : {}) });
});
after(() => t.close());

const TODAY = '2026-11-22';

function input(extra: RawDocument = {}) {
  const v = validateDocument(
    {
      direction: 'incoming',
      number: '203/TB-VPCP',
      kind: 'thong_bao',
      issuer: 'VĂN PHÒNG CHÍNH PHỦ',
      place: 'Hà Nội',
      date: '26/07/2021',
      subject: 'Kết luận của Thủ tướng Chính phủ tại cuộc họp về phòng, chống dịch COVID-19',
      text: 'VĂN PHÒNG CHÍNH PHỦ\nSố: 203/TB-VPCP\nHà Nội, ngày 26 tháng 7 năm 2021\nTHÔNG BÁO\nKết luận của Thủ tướng\n\n1. Các bộ, ngành tiếp tục thực hiện nghiêm.',
      entryDate: '27/07/2021',
      ...extra,
    },
    'vi',
    TODAY,
  );
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v.value;
}

/** The document as it is, with some fields changed: what the correction form sends back. */
async function corrected(doc: DocumentSummary, extra: RawDocument) {
  const related = await relatedDocuments(t.db, doc.id);
  const numbers = (kind: string) => related.outgoing.filter((l) => l.kind === kind).map((l) => l.number).join('\n');
  const entry = await entryOfDocument(t.db, doc.id);
  const raw: RawDocument = {
    number: doc.number,
    kind: doc.kind,
    issuer: doc.issuer,
    place: doc.place,
    date: doc.date,
    urgency: doc.urgency,
    secrecy: doc.secrecy,
    subject: doc.subject,
    signer: doc.signer,
    signerTitle: doc.signerTitle,
    recipients: doc.recipients,
    copiesTo: doc.copiesTo,
    references: numbers('cites'),
    supersedes: numbers('supersedes'),
    amends: numbers('amends'),
    text: await getDocumentText(t.db, doc.id),
    ...extra,
  };
  const v = validateCorrection(raw, 'vi', { direction: doc.direction, entryDate: entry!.entryDate, textOptional: false, currentNumber: doc.number }, TODAY);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v.value;
}

const corrections = async (id: number) => t.db.select().from(auditLog).where(and(eq(auditLog.action, 'document.correct'), eq(auditLog.entityId, String(id)))).orderBy(desc(auditLog.id));

describe('correcting the header', () => {
  test('number, issuer, date, subject, urgency and signer change; the audit log holds before and after; search follows', async () => {
    const unit = await unitByName(t.db, 'Đảng ủy xã Vũ Phúc');
    const r = await registerDocument(t.db, SYSTEM_CONTEXT, { unitId: unit.id, input: input({ number: '230/TB-VPCP', date: '25/07/2021', signer: 'Nguyễn Văn A' }) });
    const scope = { staff: [unit.path], classified: [] };
    assert.equal((await searchLibrary(t.db, scope, { q: '230/TB-VPCP' })).hits[0]?.id, r.document.id);
    const res = await correctDocument(t.db, { accountId: 900001 }, r.document.id, await corrected(r.document, { number: '203 / TB-VPCP', date: '26/07/2021', urgency: 'thuong_khan', signer: 'Trần Văn Sơn', subject: 'Kết luận của Thủ tướng về tiêm chủng mở rộng' }));
    assert.deepEqual(res.changed, ['number', 'date', 'urgency', 'subject', 'signer']);
    const doc = await getDocument(t.db, r.document.id);
    assert.deepEqual([doc.number, doc.numberKey, doc.symbol, doc.date, doc.urgency, doc.signer], ['203/TB-VPCP', '203tbvpcp', 'TB-VPCP', '2021-07-26', 'thuong_khan', 'Trần Văn Sơn']);
    assert.ok(doc.updatedAt.getTime() > r.document.updatedAt.getTime());
    const [entry] = await corrections(r.document.id);
    assert.equal(entry!.actorAccountId, 900001);
    assert.deepEqual(entry!.before, { number: '230/TB-VPCP', date: '2021-07-25', urgency: null, subject: 'Kết luận của Thủ tướng Chính phủ tại cuộc họp về phòng, chống dịch COVID-19', signer: 'Nguyễn Văn A' });
    assert.deepEqual((entry!.after as Record<string, unknown>).number, '203/TB-VPCP');
    assert.deepEqual((entry!.after as Record<string, unknown>).changed, ['number', 'date', 'urgency', 'subject', 'signer']);
    // The search vector is generated from the row: the new number and words are found, the old number is not.
    assert.equal((await searchLibrary(t.db, scope, { q: '203 TB VPCP' })).hits[0]?.id, r.document.id);
    assert.equal((await searchLibrary(t.db, scope, { q: '230/TB-VPCP' })).hits.some((h) => h.id === r.document.id && h.number === '230/TB-VPCP'), false);
    assert.equal((await searchLibrary(t.db, scope, { q: 'tiem chung mo rong' })).hits[0]?.id, r.document.id);
    // The register row shows the corrected header (it reads the document).
    assert.equal((await entryOfDocument(t.db, r.document.id))!.seq, r.entry.seq, 'the register number never changes');
  });

  test('nothing changed: nothing is written', async () => {
    const unit = await unitByName(t.db, 'Đảng ủy xã Vũ Phúc');
    const r = await registerDocument(t.db, SYSTEM_CONTEXT, { unitId: unit.id, input: input({ number: '11/TB-VPCP', references: '12/TB-VPCP' }) });
    const res = await correctDocument(t.db, SYSTEM_CONTEXT, r.document.id, await corrected(r.document, {}));
    assert.deepEqual(res.changed, []);
    assert.equal((await corrections(r.document.id)).length, 0);
    assert.equal((await getDocument(t.db, r.document.id)).updatedAt.getTime(), r.document.updatedAt.getTime());
  });

  test('the sender of the register follows a corrected issuer (unless the clerk typed another)', async () => {
    const unit = await unitByName(t.db, 'Đảng ủy xã Vũ Phúc');
    const r = await registerDocument(t.db, SYSTEM_CONTEXT, { unitId: unit.id, input: input({ number: '31/TB-VPCP', issuer: 'Bộ Y tế' }) });
    assert.equal(r.entry.counterpart, 'Bộ Y tế');
    await correctDocument(t.db, SYSTEM_CONTEXT, r.document.id, await corrected(r.document, { issuer: 'VĂN PHÒNG CHÍNH PHỦ' }));
    const doc = await getDocument(t.db, r.document.id);
    assert.equal(doc.issuerUnitId, (await unitByName(t.db, 'Văn phòng Chính phủ')).id);
    assert.equal((await entryOfDocument(t.db, r.document.id))!.counterpart, 'Văn phòng Chính phủ');
    const typed = await registerDocument(t.db, SYSTEM_CONTEXT, { unitId: unit.id, input: input({ number: '32/TB-VPCP', issuer: 'Bộ Y tế', counterpart: 'Sở Y tế chuyển đến' }) });
    await correctDocument(t.db, SYSTEM_CONTEXT, typed.document.id, await corrected(typed.document, { issuer: 'VĂN PHÒNG CHÍNH PHỦ' }));
    assert.equal((await entryOfDocument(t.db, typed.document.id))!.counterpart, 'Sở Y tế chuyển đến');
  });

  test('a number blank at registration may stay blank; a changed number must be whole', async () => {
    const ubnd = await unitByCode(t.db, 'TB-UBND');
    const r = await registerDocument(t.db, SYSTEM_CONTEXT, { unitId: ubnd.id, input: input({ number: '/TB-UBND', issuer: 'UBND tỉnh Nam Định', date: '', entryDate: '02/03/2022' }) });
    assert.equal(r.document.number, '/TB-UBND');
    const same = await corrected(r.document, { subject: 'Về lịch tiếp công dân' });
    assert.equal((await correctDocument(t.db, SYSTEM_CONTEXT, r.document.id, same)).changed.join(), 'subject');
    const entry = (await entryOfDocument(t.db, r.document.id))!;
    const v = validateCorrection({ ...same, number: '/KH-UBND', references: '', supersedes: '', amends: '' }, 'vi', { direction: 'incoming', entryDate: entry.entryDate, textOptional: false, currentNumber: '/TB-UBND' }, TODAY);
    assert.equal(v.ok, false);
    if (!v.ok) assert.match(v.errors.number!, /hãy nhập đủ phần số và phần ký hiệu/);
    const late = validateCorrection({ ...same, number: '5/TB-UBND', date: '05/03/2022', references: '', supersedes: '', amends: '' }, 'vi', { direction: 'incoming', entryDate: entry.entryDate, textOptional: false, currentNumber: '/TB-UBND' }, TODAY);
    assert.equal(late.ok, false);
    if (!late.ok) assert.deepEqual(late.errors, { date: 'Ngày ban hành không thể sau ngày vào sổ (02/03/2022).' });
  });
});

describe('duplicates and citations', () => {
  test('correcting to a number and issuer already registered is refused, and nothing changes', async () => {
    const unit = await unitByName(t.db, 'Đảng ủy phường Phú Khánh');
    const a = await registerDocument(t.db, SYSTEM_CONTEXT, { unitId: unit.id, input: input({ number: '41/TB-VPCP' }) });
    const b = await registerDocument(t.db, SYSTEM_CONTEXT, { unitId: unit.id, input: input({ number: '42/TB-VPCP' }) });
    await assert.rejects(
      correctDocument(t.db, SYSTEM_CONTEXT, b.document.id, await corrected(b.document, { number: '41/TB-VPCP', issuer: 'Văn phòng Chính phủ', subject: 'Một trích yếu khác' })),
      (e: unknown) => e instanceof DuplicateDocumentError && e.existingId === a.document.id && /41\/TB-VPCP/.test(e.message),
    );
    const after = await getDocument(t.db, b.document.id);
    assert.deepEqual([after.number, after.subject], ['42/TB-VPCP', b.document.subject]);
    assert.equal((await corrections(b.document.id)).length, 0);
    // The same number from another issuer is another document.
    await correctDocument(t.db, SYSTEM_CONTEXT, b.document.id, await corrected(b.document, { number: '41/TB-VPCP', issuer: 'UBND tỉnh Nam Định' }));
  });

  test('a corrected number takes over the placeholders waiting for it, and lets go of the citations of the old one', async () => {
    const unit = await unitByName(t.db, 'Đảng ủy phường Phú Khánh');
    const citing = await registerDocument(t.db, SYSTEM_CONTEXT, {
      unitId: unit.id,
      input: input({ number: '107/TB-UBND', issuer: 'UBND tỉnh Thái Nguyên', date: '28/07/2021', entryDate: '29/07/2021', references: '203/TB-VPCP\n204/TB-VPCP', text: 'Số: 107/TB-UBND\nThực hiện Thông báo số 203/TB-VPCP ngày 26/7/2021 và Thông báo 204/TB-VPCP.' }),
    });
    // The cited document was typed with a wrong number: the citation stays a placeholder.
    const cited = await registerDocument(t.db, SYSTEM_CONTEXT, { unitId: unit.id, input: input({ number: '230/TB-VPCP' }) });
    const target = async () => (await relatedDocuments(t.db, citing.document.id)).outgoing.map((l) => [l.number, l.target?.id ?? null]);
    assert.deepEqual(await target(), [['203/TB-VPCP', null], ['204/TB-VPCP', null]]);
    const fixed = await correctDocument(t.db, SYSTEM_CONTEXT, cited.document.id, await corrected(cited.document, { number: '203/TB-VPCP' }));
    assert.equal(fixed.resolvedPlaceholders, 1);
    assert.deepEqual(await target(), [['203/TB-VPCP', cited.document.id], ['204/TB-VPCP', null]]);
    assert.deepEqual((await relatedDocuments(t.db, cited.document.id)).incoming.map((l) => l.from.id), [citing.document.id]);
    // A date that no longer fits the citation ("ngày 26/7/2021") lets it go again.
    const redated = await correctDocument(t.db, SYSTEM_CONTEXT, cited.document.id, await corrected(await getDocument(t.db, cited.document.id), { date: '20/07/2021' }));
    assert.equal(redated.unlinked, 1);
    assert.deepEqual(await target(), [['203/TB-VPCP', null], ['204/TB-VPCP', null]]);
    // Back to the printed date, then to another number: linked, then a placeholder again.
    await correctDocument(t.db, SYSTEM_CONTEXT, cited.document.id, await corrected(await getDocument(t.db, cited.document.id), { date: '26/07/2021' }));
    assert.deepEqual(await target(), [['203/TB-VPCP', cited.document.id], ['204/TB-VPCP', null]]);
    const moved = await correctDocument(t.db, SYSTEM_CONTEXT, cited.document.id, await corrected(await getDocument(t.db, cited.document.id), { number: '204/TB-VPCP' }));
    assert.deepEqual([moved.unlinked, moved.resolvedPlaceholders], [1, 1]);
    assert.deepEqual(await target(), [['203/TB-VPCP', null], ['204/TB-VPCP', cited.document.id]]);
  });

  test("the document's own citations, supersedes and amends are rebuilt from the corrected lists", async () => {
    const unit = await unitByName(t.db, 'Đảng ủy xã Đông Thọ');
    const old = await registerDocument(t.db, SYSTEM_CONTEXT, { unitId: unit.id, input: input({ number: '597/CD-BCĐ', kind: 'cong_dien', issuer: 'Ban Chỉ đạo Quốc gia phòng, chống dịch Covid-19', date: '05/05/2021', entryDate: '05/05/2021' }) });
    const newer = await registerDocument(t.db, SYSTEM_CONTEXT, {
      unitId: unit.id,
      input: input({ number: '600/CD-BCĐ', kind: 'cong_dien', issuer: 'Ban Chỉ đạo Quốc gia phòng, chống dịch Covid-19', date: '05/05/2021', entryDate: '06/05/2021', references: '597/CD-BCĐ\n583/CD-BYT' }),
    });
    const res = await correctDocument(t.db, SYSTEM_CONTEXT, newer.document.id, await corrected(newer.document, { references: '583/CD-BYT', supersedes: '597/CD-BCĐ' }));
    assert.deepEqual(res.changed, ['references', 'supersedes']);
    const rel = await relatedDocuments(t.db, newer.document.id);
    assert.deepEqual(rel.outgoing.map((l) => [l.kind, l.number, l.target?.id ?? null]), [['cites', '583/CD-BYT', null], ['supersedes', '597/CD-BCĐ', old.document.id]]);
    assert.deepEqual((await relatedDocuments(t.db, old.document.id)).incoming.map((l) => [l.kind, l.from.id]), [['supersedes', newer.document.id]]);
    const [entry] = await corrections(newer.document.id);
    assert.deepEqual(entry!.before, { references: ['597/CD-BCĐ', '583/CD-BYT'], supersedes: [] });
    assert.deepEqual((entry!.after as Record<string, unknown>).supersedes, ['597/CD-BCĐ']);
  });
});

describe('classified documents, stale forms, nothing half-saved', () => {
  test('the audit log says which fields of a classified document changed, never what they say', async () => {
    const unit = await unitByCode(t.db, 'TB');
    const secret = await registerDocument(t.db, SYSTEM_CONTEXT, { unitId: unit.id, input: input({ number: '15-CV/TU', issuer: 'Tỉnh ủy Bình Phước', secrecy: 'mat', subject: 'Về công tác nhân sự', text: 'MẬT\nNội dung nhân sự.' }) });
    await correctDocument(t.db, SYSTEM_CONTEXT, secret.document.id, await corrected(secret.document, { subject: 'Về kỷ luật đồng chí Nguyễn Văn B', signer: 'Lê Văn C', text: 'MẬT\nĐề nghị kỷ luật đồng chí Nguyễn Văn B.' }));
    const [entry] = await corrections(secret.document.id);
    assert.deepEqual(entry!.before, { secrecy: 'mat' });
    assert.deepEqual((entry!.after as Record<string, unknown>).changed, ['subject', 'signer', 'text']);
    assert.doesNotMatch(JSON.stringify(entry), /kỷ luật|nhân sự|Lê Văn C|Nguyễn Văn B/);
    // An open document being classified: its old subject is not logged either (it is classified now).
    const open = await registerDocument(t.db, SYSTEM_CONTEXT, { unitId: unit.id, input: input({ number: '16-CV/TU', issuer: 'Tỉnh ủy Bình Phước', subject: 'Về bảo vệ chính trị nội bộ' }) });
    await correctDocument(t.db, SYSTEM_CONTEXT, open.document.id, await corrected(open.document, { secrecy: 'toi_mat', subject: 'Về bảo vệ chính trị nội bộ năm 2021' }));
    const [classified] = await corrections(open.document.id);
    assert.deepEqual(classified!.before, { secrecy: null });
    assert.equal((classified!.after as Record<string, unknown>).secrecy, 'toi_mat');
    assert.doesNotMatch(JSON.stringify(classified), /chính trị nội bộ/);
  });

  test('a form made from an older version is refused: a correction made in between is never overwritten', async () => {
    const unit = await unitByName(t.db, 'Đảng ủy xã Đông Thọ');
    const r = await registerDocument(t.db, SYSTEM_CONTEXT, { unitId: unit.id, input: input({ number: '51/TB-VPCP' }) });
    const version = r.document.updatedAt.toISOString();
    await correctDocument(t.db, SYSTEM_CONTEXT, r.document.id, await corrected(r.document, { subject: 'Sửa lần thứ nhất' }), { expectedUpdatedAt: version });
    await assert.rejects(
      correctDocument(t.db, SYSTEM_CONTEXT, r.document.id, await corrected(r.document, { subject: 'Sửa lần thứ hai, từ bản cũ' }), { expectedUpdatedAt: version }),
      (e: unknown) => e instanceof DomainError && e.code === 'conflict' && /vừa được người khác sửa/.test(e.message),
    );
    assert.equal((await getDocument(t.db, r.document.id)).subject, 'Sửa lần thứ nhất');
  });

  test('a failure after the correction was written rolls everything back: fields, links, audit', async () => {
    const unit = await unitByName(t.db, 'Đảng ủy xã Đông Thọ');
    const r = await registerDocument(t.db, SYSTEM_CONTEXT, { unitId: unit.id, input: input({ number: '61/TB-VPCP', references: '62/TB-VPCP' }) });
    const fix = await corrected(r.document, { number: '63/TB-VPCP', references: '64/TB-VPCP', subject: 'Không được lưu' });
    await assert.rejects(
      t.db.transaction(async (tx) => {
        await correctDocument(tx, SYSTEM_CONTEXT, r.document.id, fix);
        throw new Error('the disk is full');
      }),
      /disk is full/,
    );
    const doc = await getDocument(t.db, r.document.id);
    assert.deepEqual([doc.number, doc.subject], ['61/TB-VPCP', r.document.subject]);
    assert.deepEqual((await t.db.select({ n: documentLinks.targetNumber }).from(documentLinks).where(eq(documentLinks.fromDocumentId, r.document.id))).map((l) => l.n), ['62/TB-VPCP']);
    assert.equal((await corrections(r.document.id)).length, 0);
  });
});

describe('concurrency (PostgreSQL)', () => {
  const SKIP = onPostgres() ? false : 'the embedded database (PGlite) runs one transaction at a time, so concurrent corrections prove nothing there; this proof runs in the PostgreSQL pass (DATABASE_URL)';

  test('eight clerks correcting the same version at once: exactly one succeeds, the others are told it changed', { skip: SKIP }, async () => {
    const unit = await unitByName(t.db, 'Đảng ủy phường Phú Khánh');
    const r = await registerDocument(t.db, SYSTEM_CONTEXT, { unitId: unit.id, input: input({ number: '71/TB-VPCP' }) });
    const version = r.document.updatedAt.toISOString();
    const fixes = await Promise.all(Array.from({ length: 8 }, (_, i) => corrected(r.document, { subject: `Trích yếu sửa bởi văn thư số ${i + 1}` })));
    const outcomes = await Promise.allSettled(fixes.map((f) => correctDocument(t.db, SYSTEM_CONTEXT, r.document.id, f, { expectedUpdatedAt: version })));
    const ok = outcomes.filter((o) => o.status === 'fulfilled');
    const stale = outcomes.filter((o) => o.status === 'rejected' && (o as PromiseRejectedResult).reason instanceof DomainError && (o as PromiseRejectedResult).reason.code === 'conflict');
    assert.equal(ok.length, 1);
    assert.equal(stale.length, 7);
    assert.equal((await corrections(r.document.id)).length, 1);
  });

  test('two documents corrected at once to the same number and issuer: one wins, the other is a duplicate', { skip: SKIP }, async () => {
    const unit = await unitByName(t.db, 'Đảng ủy phường Phú Khánh');
    const a = await registerDocument(t.db, SYSTEM_CONTEXT, { unitId: unit.id, input: input({ number: '81/TB-VPCP' }) });
    const b = await registerDocument(t.db, SYSTEM_CONTEXT, { unitId: unit.id, input: input({ number: '82/TB-VPCP' }) });
    const [fa, fb] = [await corrected(a.document, { number: '80/TB-VPCP' }), await corrected(b.document, { number: '80/TB-VPCP' })];
    const outcomes = await Promise.allSettled([correctDocument(t.db, SYSTEM_CONTEXT, a.document.id, fa), correctDocument(t.db, SYSTEM_CONTEXT, b.document.id, fb)]);
    assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1);
    assert.equal(outcomes.filter((o) => o.status === 'rejected' && (o as PromiseRejectedResult).reason instanceof DuplicateDocumentError).length, 1);
    const numbers = [(await getDocument(t.db, a.document.id)).number, (await getDocument(t.db, b.document.id)).number].sort();
    assert.ok(numbers[0] === '80/TB-VPCP' && (numbers[1] === '81/TB-VPCP' || numbers[1] === '82/TB-VPCP'), numbers.join());
  });
});
