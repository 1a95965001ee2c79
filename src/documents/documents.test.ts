// Registering documents: validation, duplicates, placeholders filled in when the cited document
// arrives, supersedes/amends on both ends, gapless numbers, nothing half-saved, classified documents.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq, sql } from 'drizzle-orm';
import { testDatabase, type TestDatabase } from '../../test/kit/db.ts';
import { unitByCode, unitByName } from '../../test/kit/demo.ts';
import { SYSTEM_CONTEXT } from '../core/audit/audit.ts';
import { auditLog } from '../core/audit/schema.ts';
import { queryRows } from '../core/db/client.ts';
import { DomainError } from '../core/errors.ts';
import { assertPublishable, DuplicateDocumentError, isPublishable, markHandled, updateEntry, matchIssuerUnit, registerDocument, relatedDocuments } from './documents.ts';
import { citationDate, issuerFold, looksLikeNumber, numberKey } from './keys.ts';
import { listRegister, urgentPending } from './registers.ts';
import { documents, registerCounters, registerEntries } from './schema.ts';
import { validateDocument, type RawDocument } from './validation.ts';
import { findStaged, purgeStaleUploads, stageUpload } from './uploads.ts';
import { listAttachments } from './documents.ts';

let t: TestDatabase;
before(async () => {
  t = await testDatabase({ demo: true });
});
after(() => t.close());

const TODAY = '2026-11-22';

export function rawDoc(extra: RawDocument = {}): RawDocument {
  return {
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
  };
}

function input(extra: RawDocument = {}) {
  const v = validateDocument(rawDoc(extra), 'vi', TODAY);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v.value;
}

describe('keys', () => {
  test('numbers compare by letters and digits, whatever the spacing and diacritics', () => {
    assert.equal(numberKey('89/TB-VPCP'), '89tbvpcp');
    assert.equal(numberKey('89 TB VPCP'), '89tbvpcp');
    assert.equal(numberKey('Số 354 - CV/TU'), '354cvtu');
    assert.equal(numberKey('23/2021/QĐ-TTg'), '232021qdttg');
    assert.equal(numberKey('/TB-UBND'), null);
    assert.ok(looksLikeNumber('89 TB VPCP') && looksLikeNumber('89/TB-VPCP') && looksLikeNumber('354-CV/TU') && looksLikeNumber('23/2021/QĐ-TTg'));
    assert.ok(!looksLikeNumber('nghi quyet') && !looksLikeNumber('covid 19') && !looksLikeNumber('89'));
  });
  test('issuers compare with the usual abbreviations', () => {
    assert.equal(issuerFold('ỦY BAN NHÂN DÂN TỈNH BÌNH PHƯỚC'), issuerFold('UBND tỉnh Bình Phước'));
    assert.equal(issuerFold('BAN CHỈ ĐẠO QUỐC GIA PHÒNG CHỐNG DỊCH COVID-19'), issuerFold('Ban Chỉ đạo Quốc gia phòng, chống dịch Covid-19'));
  });
  test('the date printed after a citation', () => {
    assert.equal(citationDate('tại Thông báo số 203/TB-VPCP ngày 26/7/2021, các văn bản', '203/TB-VPCP'), '2021-07-26');
    assert.equal(citationDate('Công văn 353-CV/TU ngày 28/4/2021 của Tỉnh ủy', '353-CV/TU'), '2021-04-28');
    assert.equal(citationDate('Văn bản số 348-CV/TU của Tỉnh ủy', '348-CV/TU'), null);
  });
});

describe('validation', () => {
  test('says what is wrong with each field, in Vietnamese', () => {
    const v = validateDocument({ direction: 'sideways', number: 'abc', date: '31/02/2021', subject: '', text: '', entryDate: '', urgency: 'rat_khan', copies: '0', references: 'không phải số' }, 'vi', TODAY);
    assert.equal(v.ok, false);
    if (v.ok) return;
    assert.match(v.errors.direction!, /sổ văn bản đến hoặc sổ văn bản đi/);
    assert.match(v.errors.number!, /Số, ký hiệu không hợp lệ/);
    assert.match(v.errors.date!, /dd\/mm\/yyyy/);
    assert.match(v.errors.subject!, /trích yếu/);
    assert.match(v.errors.text!, /dán nội dung/);
    assert.match(v.errors.entryDate!, /ngày vào sổ/);
    assert.match(v.errors.urgency!, /Độ khẩn/);
    assert.match(v.errors.copies!, /Số lượng bản/);
    assert.match(v.errors.references!, /không phải là số, ký hiệu/);
  });
  test('an incoming document needs its issuer; dates must be in order and not in the future', () => {
    const v = validateDocument(rawDoc({ issuer: '', date: '01/01/2030', entryDate: '20/07/2021', dueOn: '01/07/2021' }), 'vi', TODAY);
    assert.equal(v.ok, false);
    if (v.ok) return;
    assert.match(v.errors.issuer!, /cơ quan ban hành/);
    assert.match(v.errors.date!, /sau hôm nay/);
    assert.match(v.errors.dueOn!, /Hạn xử lý/);
    const w = validateDocument(rawDoc({ entryDate: '20/07/2021' }), 'vi', TODAY);
    assert.equal(w.ok, false);
    if (!w.ok) assert.match(w.errors.entryDate!, /trước ngày ban hành/);
  });
});

describe('registering', () => {
  test('matches the issuer to the outside issuer unit and numbers the register from 1', async () => {
    const province = await unitByCode(t.db, 'TB');
    const vpcp = await unitByName(t.db, 'Văn phòng Chính phủ');
    assert.equal((await matchIssuerUnit(t.db, 'VĂN PHÒNG CHÍNH PHỦ'))?.id, vpcp.id);
    const before = await listRegister(t.db, province.id, 'incoming', 2020);
    assert.equal(before.length, 0);
    const r = await registerDocument(t.db, SYSTEM_CONTEXT, { unitId: province.id, input: input({ entryDate: '27/07/2020', date: '26/07/2020' }) });
    assert.equal(r.entry.seq, 1);
    assert.equal(r.entry.year, 2020);
    assert.equal(r.document.issuerUnitId, vpcp.id);
    assert.equal(r.entry.counterpart, 'Văn phòng Chính phủ', 'the sender is the matched unit');
    const [entry] = await t.db.select().from(auditLog).where(and(eq(auditLog.entityType, 'document'), eq(auditLog.entityId, String(r.document.id))));
    assert.equal(entry?.action, 'document.register');
  });

  test('the same number from the same issuer is caught, also when the issuer is spelled differently', async () => {
    const commune = await unitByName(t.db, 'Đảng ủy xã Đông Thọ');
    const first = await registerDocument(t.db, SYSTEM_CONTEXT, { unitId: commune.id, input: input({ number: '82/TB-VPCP' }) });
    await assert.rejects(
      registerDocument(t.db, SYSTEM_CONTEXT, { unitId: commune.id, input: input({ number: '82 / TB-VPCP', issuer: 'Văn phòng Chính phủ' }) }),
      (e: unknown) => e instanceof DuplicateDocumentError && e.existingId === first.document.id && /82\/TB-VPCP/.test(e.message),
    );
    // Another issuer may use the same number; another unit may register the same document.
    await registerDocument(t.db, SYSTEM_CONTEXT, { unitId: commune.id, input: input({ number: '82/TB-VPCP', issuer: 'UBND tỉnh Nam Định' }) });
    const other = await unitByName(t.db, 'Đảng ủy xã Vũ Phúc');
    await registerDocument(t.db, SYSTEM_CONTEXT, { unitId: other.id, input: input({ number: '82/TB-VPCP' }) });
  });

  test('a citation is a placeholder until the cited document arrives, then it links on both ends', async () => {
    const unit = await unitByName(t.db, 'Đảng ủy phường Phú Khánh');
    const citing = await registerDocument(t.db, SYSTEM_CONTEXT, {
      unitId: unit.id,
      input: input({
        number: '107/TB-UBND',
        issuer: 'UBND tỉnh Thái Nguyên',
        date: '28/07/2021',
        entryDate: '29/07/2021',
        references: '203/TB-VPCP\n348-CV/TU',
        text: 'Số: 107/TB-UBND\nThực hiện Thông báo số 203/TB-VPCP ngày 26/7/2021 và Văn bản số 348-CV/TU.',
      }),
    });
    let rel = await relatedDocuments(t.db, citing.document.id);
    assert.deepEqual(rel.outgoing.map((l) => [l.number, l.date, l.targetKind, l.target]), [
      ['203/TB-VPCP', '2021-07-26', 'thong_bao', null],
      ['348-CV/TU', null, 'cong_van', null],
    ]);
    const cited = await registerDocument(t.db, SYSTEM_CONTEXT, { unitId: unit.id, input: input() });
    assert.equal(cited.resolvedPlaceholders, 1);
    rel = await relatedDocuments(t.db, citing.document.id);
    assert.equal(rel.outgoing[0]!.target?.id, cited.document.id);
    assert.equal(rel.outgoing[1]!.target, null);
    const back = await relatedDocuments(t.db, cited.document.id);
    assert.deepEqual(back.incoming.map((l) => [l.kind, l.from.id]), [['cites', citing.document.id]]);
  });

  test('supersedes and amends are shown on both documents', async () => {
    const unit = await unitByName(t.db, 'Đảng ủy xã Vũ Phúc');
    const old = await registerDocument(t.db, SYSTEM_CONTEXT, { unitId: unit.id, input: input({ number: '597/CD-BCĐ', kind: 'cong_dien', issuer: 'Ban Chỉ đạo Quốc gia phòng, chống dịch Covid-19', date: '05/05/2021', entryDate: '05/05/2021' }) });
    const newer = await registerDocument(t.db, SYSTEM_CONTEXT, {
      unitId: unit.id,
      input: input({ number: '600/CD-BCĐ', kind: 'cong_dien', issuer: 'BAN CHỈ ĐẠO QUỐC GIA PHÒNG CHỐNG DỊCH COVID-19', date: '05/05/2021', entryDate: '06/05/2021', supersedes: '597/CD-BCĐ', amends: '583/CD-BYT' }),
    });
    const fwd = await relatedDocuments(t.db, newer.document.id);
    assert.deepEqual(fwd.outgoing.map((l) => [l.kind, l.number, l.target?.id ?? null]), [['supersedes', '597/CD-BCĐ', old.document.id], ['amends', '583/CD-BYT', null]]);
    const back = await relatedDocuments(t.db, old.document.id);
    assert.deepEqual(back.incoming.map((l) => [l.kind, l.from.id]), [['supersedes', newer.document.id]]);
  });

  test('an outgoing document without a number takes the number of the outgoing register', async () => {
    const ubnd = await unitByCode(t.db, 'TB-UBND');
    const a = await registerDocument(t.db, SYSTEM_CONTEXT, { unitId: ubnd.id, input: input({ direction: 'outgoing', number: '/TB-UBND', issuer: '', date: '', entryDate: '02/03/2022' }) });
    const b = await registerDocument(t.db, SYSTEM_CONTEXT, { unitId: ubnd.id, input: input({ direction: 'outgoing', number: 'Số:   /KH-UBND', issuer: '', date: '', entryDate: '03/03/2022' }) });
    assert.equal(a.document.number, '1/TB-UBND');
    assert.equal(a.document.issuer, 'UBND tỉnh Thái Bình');
    assert.equal(b.document.number, '2/KH-UBND');
    assert.deepEqual((await listRegister(t.db, ubnd.id, 'outgoing', 2022)).map((r) => r.seq), [1, 2]);
  });

  test('nothing is half-saved: a failure after the number was taken gives the number back', async () => {
    const unit = await unitByCode(t.db, 'TB-TP');
    await registerDocument(t.db, SYSTEM_CONTEXT, { unitId: unit.id, input: input({ number: '1/TB-X', entryDate: '01/02/2023', date: '' }) });
    const countDocs = async () => Number((await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from documents where unit_id = ${unit.id}`))[0]!.n);
    const before = await countDocs();
    await assert.rejects(
      t.db.transaction(async (tx) => {
        await registerDocument(tx, SYSTEM_CONTEXT, { unitId: unit.id, input: input({ number: '2/TB-X', entryDate: '02/02/2023', date: '' }) });
        throw new Error('the disk is full');
      }),
      /disk is full/,
    );
    assert.equal(await countDocs(), before);
    const [counter] = await t.db.select().from(registerCounters).where(eq(registerCounters.unitId, unit.id));
    assert.equal(counter?.lastNumber, 1);
    const next = await registerDocument(t.db, SYSTEM_CONTEXT, { unitId: unit.id, input: input({ number: '3/TB-X', entryDate: '03/02/2023', date: '' }) });
    assert.equal(next.entry.seq, 2);
  });

  test('HỎA TỐC and THƯỢNG KHẨN are flagged until handled', async () => {
    const unit = await unitByName(t.db, 'Đảng ủy xã Đông Thọ');
    const fire = await registerDocument(t.db, SYSTEM_CONTEXT, { unitId: unit.id, input: input({ number: '360-CV/TU', issuer: 'Tỉnh ủy Bình Phước', urgency: 'hoa_toc', date: '06/05/2021', entryDate: '06/05/2021' }) });
    await registerDocument(t.db, SYSTEM_CONTEXT, { unitId: unit.id, input: input({ number: '361-CV/TU', issuer: 'Tỉnh ủy Bình Phước', urgency: 'khan', date: '06/05/2021', entryDate: '06/05/2021' }) });
    const flagged = await urgentPending(t.db, unit.id, 'incoming');
    assert.deepEqual(flagged.map((r) => r.number), ['360-CV/TU']);
    await markHandled(t.db, SYSTEM_CONTEXT, fire.document.id);
    assert.equal((await urgentPending(t.db, unit.id, 'incoming')).length, 0);
    await assert.rejects(markHandled(t.db, SYSTEM_CONTEXT, fire.document.id), /đã được đánh dấu xử lý/);
  });

  test('a classified document is registered but can never be published', async () => {
    const unit = await unitByCode(t.db, 'TB');
    const secret = await registerDocument(t.db, SYSTEM_CONTEXT, { unitId: unit.id, input: input({ number: '5-CV/TU', issuer: 'Tỉnh ủy Bình Phước', secrecy: 'mat' }) });
    assert.equal(isPublishable(secret.document), false);
    await assert.rejects(assertPublishable(t.db, secret.document.id), (e: unknown) => e instanceof DomainError && e.code === 'forbidden' && /Văn bản mật/.test(e.message));
    const open = await registerDocument(t.db, SYSTEM_CONTEXT, { unitId: unit.id, input: input({ number: '6-CV/TU', issuer: 'Tỉnh ủy Bình Phước' }) });
    await assertPublishable(t.db, open.document.id);
    // The subject of a classified document does not reach the audit log (administrators browse it).
    const [entry] = await t.db.select().from(auditLog).where(and(eq(auditLog.entityType, 'document'), eq(auditLog.entityId, String(secret.document.id))));
    assert.equal((entry!.after as Record<string, unknown>).subject, undefined);
    // Nor do the notes and forwarding a clerk adds to its register row later.
    await updateEntry(t.db, SYSTEM_CONTEXT, secret.document.id, { forwardedTo: 'Đồng chí Phó Bí thư', dueOn: null, note: 'kỷ luật đồng chí Nguyễn Văn B', counterpart: null });
    const updates = await t.db.select().from(auditLog).where(and(eq(auditLog.action, 'document.update'), eq(auditLog.entityId, String(secret.document.id))));
    assert.equal(updates.length, 1);
    assert.doesNotMatch(JSON.stringify(updates[0]), /kỷ luật|Phó Bí thư/);
  });

  test('a closed or outside unit keeps no register', async () => {
    const vpcp = await unitByName(t.db, 'Văn phòng Chính phủ');
    await assert.rejects(registerDocument(t.db, SYSTEM_CONTEXT, { unitId: vpcp.id, input: input() }), /không có sổ văn bản/);
    const rows = await t.db.select({ id: documents.id }).from(documents).where(eq(documents.unitId, vpcp.id));
    assert.equal(rows.length, 0);
    assert.equal((await t.db.select().from(registerEntries).where(eq(registerEntries.unitId, vpcp.id))).length, 0);
  });

  test("files wait for their clerk only: another account's upload is ignored, and stale uploads are purged", async () => {
    const unit = await unitByName(t.db, 'Đảng ủy xã Vũ Phúc');
    const mine = await stageUpload(t.db, { accountId: 900001, unitId: unit.id }, 'attachment', { field: 'attachments', fileName: 'a.txt', bytes: Buffer.from('một') }, 'text/plain');
    const theirs = await stageUpload(t.db, { accountId: 900002, unitId: unit.id }, 'attachment', { field: 'attachments', fileName: 'b.txt', bytes: Buffer.from('hai') }, 'text/plain');
    assert.deepEqual((await findStaged(t.db, { accountId: 900001, unitId: unit.id }, [mine.id, theirs.id])).map((f) => f.fileName), ['a.txt']);
    const r = await registerDocument(t.db, { accountId: 900001 }, { unitId: unit.id, input: input({ number: '77/TB-VPCP' }), stagedIds: [mine.id, theirs.id] });
    assert.deepEqual((await listAttachments(t.db, r.document.id)).map((a) => [a.fileName, a.size]), [['a.txt', 5]]);
    assert.equal(await purgeStaleUploads(t.db, 0), 1, "the other clerk's upload, never saved, is removed");
  });
});
