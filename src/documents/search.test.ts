// Search over the demo library (the seed documents, registered at Tỉnh ủy Thái Bình): with and
// without diacritics, đ → d, by number in any spelling, ranking, highlighted snippets on the
// accented original, filters combined with the query, typo tolerance, and scope. The same
// assertions run on PGlite and PostgreSQL, so both return identical results.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabase, type TestDatabase } from '../../test/kit/db.ts';
import { accountByLogin } from '../../test/kit/demo.ts';
import { loadActor } from '../core/auth/actor.ts';
import { libraryScope } from '../core/policy/policy.ts';
import { filterOptions, highlights, searchLibrary, type LibraryFilters, type Scope } from './search.ts';

let t: TestDatabase;
let province: Scope;
let commune: Scope;
before(async () => {
  t = await testDatabase({ demo: true });
  province = libraryScope((await loadActor(t.db, (await accountByLogin(t.db, 'vanthu.tinhuy')).id))!);
  commune = libraryScope((await loadActor(t.db, (await accountByLogin(t.db, '0912000102')).id))!);
});
after(() => t.close());

const numbers = async (f: LibraryFilters, scope = province) => (await searchLibrary(t.db, scope, f, { pageSize: 50 })).hits.map((h) => h.number ?? h.subject.slice(0, 30));

describe('diacritics', () => {
  test('a query without diacritics finds the same documents, in the same order, as with them', async () => {
    const accented = await numbers({ q: 'cách ly tập trung' });
    assert.ok(accented.length >= 4, accented.join(', '));
    assert.deepEqual(await numbers({ q: 'cach ly tap trung' }), accented);
    assert.deepEqual(await numbers({ q: 'CACH LY TAP TRUNG' }), accented);
    assert.deepEqual(await numbers({ q: 'cách ly tập trung'.normalize('NFD') }), accented, 'decomposed input too');
  });
  test('đ and Đ fold to d', async () => {
    const withD = await numbers({ q: 'điều chỉnh thời gian' });
    assert.ok(withD.includes('600/CD-BCĐ'));
    assert.deepEqual(await numbers({ q: 'dieu chinh thoi gian' }), withD);
    assert.deepEqual(await numbers({ q: 'Ban Chi dao Quoc gia' }), await numbers({ q: 'Ban Chỉ đạo Quốc gia' }));
  });
});

describe('numbers', () => {
  test('a number in any spelling finds that document first, then the documents that cite it', async () => {
    for (const q of ['89/TB-VPCP', '89 TB VPCP', '89tbvpcp', 'số 89/TB-VPCP', '89 / tb - vpcp']) {
      const found = await searchLibrary(t.db, province, { q });
      assert.equal(found.mode, 'number', q);
      assert.equal(found.hits[0]?.number, '89/TB-VPCP', q);
      assert.ok(found.hits.some((h) => h.number === '1440/UBND-KGVX'), `${q}: 1440/UBND-KGVX cites it`);
    }
    assert.equal((await searchLibrary(t.db, province, { q: '354 CV TU' })).hits[0]?.number, '354-CV/TU');
    assert.equal((await searchLibrary(t.db, province, { q: '600/CD-BCD' })).hits[0]?.number, '600/CD-BCĐ');
  });
  test('a bare number, as a clerk remembers it, finds the document first', async () => {
    for (const [q, expected] of [['600', '600/CD-BCĐ'], ['1440', '1440/UBND-KGVX'], ['số 107', '107/TB-UBND']] as const) {
      const found = await searchLibrary(t.db, province, { q });
      assert.equal(found.hits[0]?.number, expected, q);
    }
  });
});

describe('ranking and snippets', () => {
  test('a match in the subject ranks above a match in the body only', async () => {
    const hits = (await searchLibrary(t.db, province, { q: 'điều chỉnh thời gian cách ly' })).hits;
    assert.equal(hits[0]?.number, '600/CD-BCĐ');
    assert.ok(hits.length >= 2);
    assert.ok(hits[0]!.rank! > hits[hits.length - 1]!.rank!);
  });
  test('snippets highlight the accented original words, whatever was typed', async () => {
    const hit = (await searchLibrary(t.db, province, { q: 'xet nghiem dien rong' })).hits.find((h) => h.number === '107/TB-UBND');
    assert.ok(hit, 'found 107/TB-UBND');
    const marked = highlights(hit.snippet!).filter((p) => p.mark).map((p) => p.text.toLowerCase());
    assert.ok(marked.includes('xét') && marked.includes('nghiệm') && marked.includes('diện') && marked.includes('rộng'), marked.join(' '));
    assert.deepEqual(highlights('a ⟦b⟧ c'), [{ text: 'a ', mark: false }, { text: 'b', mark: true }, { text: ' c', mark: false }]);
  });
});

describe('filters with the query', () => {
  test('kind, urgency, issuer, year and status narrow the results', async () => {
    const all = await searchLibrary(t.db, province, { q: 'covid' });
    const telegrams = await searchLibrary(t.db, province, { q: 'covid', kind: 'cong_dien' });
    assert.ok(telegrams.hits.length > 0 && telegrams.hits.length < all.hits.length);
    assert.ok(telegrams.hits.every((h) => h.kind === 'cong_dien'));
    const fire = await searchLibrary(t.db, province, { q: 'covid', urgency: 'hoa_toc' });
    assert.ok(fire.hits.length > 0 && fire.hits.every((h) => h.urgency === 'hoa_toc'));
    const handled = await searchLibrary(t.db, province, { status: 'handled' });
    assert.deepEqual(handled.hits.map((h) => h.number), ['354-CV/TU']);
    const options = await filterOptions(t.db, province);
    const vpcpKey = options.issuers.find((i) => i.label === 'Văn phòng Chính phủ')!.key;
    assert.deepEqual((await searchLibrary(t.db, province, { q: 'covid', issuer: vpcpKey })).hits.map((h) => h.number), ['89/TB-VPCP']);
    assert.equal((await searchLibrary(t.db, province, { q: 'covid', year: 2020 })).hits.length, 0);
    assert.ok((await searchLibrary(t.db, province, { q: 'covid', year: 2021 })).hits.length > 0);
    const amended = await searchLibrary(t.db, province, { status: 'superseded' });
    assert.equal(amended.hits.length, 0, 'the demo has amendments but nothing replaced');
  });
});

describe('typos and scope', () => {
  test('a misspelt word is replaced by the nearest word of the library', async () => {
    const r = await searchLibrary(t.db, province, { q: 'cach ly tap trunk' });
    assert.equal(r.corrected, 'cach ly tap trung');
    assert.deepEqual(r.hits.map((h) => h.number ?? h.subject.slice(0, 30)), await numbers({ q: 'cach ly tap trung' }));
    const none = await searchLibrary(t.db, province, { q: 'zzzzqqqq' });
    assert.equal(none.total, 0);
    assert.equal(none.corrected, null);
  });
  test("a commune's clerk searches only the commune's library", async () => {
    assert.deepEqual(await numbers({ q: 'covid' }, commune), ['Về tăng cường các biện pháp cấ']);
    assert.deepEqual(await numbers({ q: '89 TB VPCP' }, commune), []);
  });
  test('a query of punctuation alone lists the library', async () => {
    const r = await searchLibrary(t.db, province, { q: '!!! ...' });
    assert.equal(r.mode, 'list');
    assert.ok(r.hits.length >= 11);
  });
});
