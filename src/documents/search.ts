// The library's list and its full-text search, one SQL query on both databases: the stored
// `search` tsvector (number keys A, number and subject B, issuer and cited numbers C, body D)
// through the `sotay_vi` configuration (unaccent: "nghi quyet" = "nghị quyết", đ → d), ranked by
// ts_rank, snippets by ts_headline on the accented original, filters combined with the query,
// and — when nothing matches — each unknown word replaced by its nearest library word (pg_trgm).
// Only documents the actor may read (policy.libraryScope) are ever selected.
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../core/db/client.ts';
import { queryRows } from '../core/db/client.ts';
import type { libraryScope } from '../core/policy/policy.ts';
import { foldVietnamese } from '../core/text/vietnamese.ts';
import type { DocumentKind, Secrecy, Urgency } from './parser/types.ts';
import { looksLikeNumber, numberKey } from './keys.ts';
import type { Direction } from './schema.ts';

export type Scope = ReturnType<typeof libraryScope>;
export const LIBRARY_STATUSES = ['pending', 'handled', 'superseded'] as const;
export type LibraryStatus = (typeof LIBRARY_STATUSES)[number];

export type LibraryFilters = {
  q?: string | undefined;
  kind?: DocumentKind | undefined;
  issuer?: string | undefined;
  year?: number | undefined;
  urgency?: Urgency | undefined;
  status?: LibraryStatus | undefined;
  unitId?: number | undefined;
};

export type LibraryHit = {
  id: number;
  unitId: number;
  unitName: string;
  direction: Direction;
  number: string | null;
  kind: DocumentKind;
  issuer: string | null;
  date: string | null;
  urgency: Urgency | null;
  secrecy: Secrecy | null;
  subject: string;
  seq: number | null;
  entryDate: string | null;
  handled: boolean;
  rank: number | null;
  /** Highlighted subject and snippet: text with ⟦…⟧ around matched words (split by `highlights`). */
  subjectMarked: string | null;
  snippet: string | null;
};

export type LibraryPage = { hits: LibraryHit[]; hasMore: boolean; total: number; totalCapped: boolean; corrected: string | null; mode: 'list' | 'text' | 'number' };

export const MARK_START = '⟦';
export const MARK_END = '⟧';
export const HEADLINE_OPTIONS = `StartSel=${MARK_START}, StopSel=${MARK_END}, MaxWords=35, MinWords=15, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "`;
const COUNT_CAP = 1000;

/** Splits a highlighted string into plain and marked pieces, for rendering with escaping. */
export function highlights(marked: string): { text: string; mark: boolean }[] {
  const out: { text: string; mark: boolean }[] = [];
  const re = new RegExp(`${MARK_START}([^${MARK_END}]*)${MARK_END}`, 'gu');
  let last = 0;
  for (let m = re.exec(marked); m; m = re.exec(marked)) {
    if (m.index > last) out.push({ text: marked.slice(last, m.index), mark: false });
    out.push({ text: m[1]!, mark: true });
    last = m.index + m[0].length;
  }
  if (last < marked.length) out.push({ text: marked.slice(last), mark: false });
  return out.map((p) => ({ ...p, text: p.text.replace(new RegExp(`[${MARK_START}${MARK_END}]`, 'gu'), '') }));
}

/** SQL: the document `d` (joined to its unit `u`) is visible under this scope — the rule of 'document.view'. */
export function visibleSql(scope: Scope): SQL {
  const staff = scope.staff === null ? sql`true` : scope.staff.length ? sql.join(scope.staff.map((p) => sql`u.path like ${`${p}%`}`), sql` or `) : sql`false`;
  const classified = scope.classified.length ? sql`u.path in (${sql.join(scope.classified.map((p) => sql`${p}`), sql`, `)})` : sql`false`;
  return sql`((d.secrecy is null and (${staff})) or (d.secrecy is not null and (${classified})))`;
}

function filterSql(f: LibraryFilters): SQL[] {
  const out: SQL[] = [];
  if (f.kind) out.push(sql`d.kind = ${f.kind}`);
  if (f.issuer) out.push(sql`d.issuer_key = ${f.issuer}`);
  if (f.year) out.push(sql`coalesce(d.date, e.entry_date) >= ${`${f.year}-01-01`}::date and coalesce(d.date, e.entry_date) < ${`${f.year + 1}-01-01`}::date`);
  if (f.urgency) out.push(sql`d.urgency = ${f.urgency}`);
  if (f.status === 'pending') out.push(sql`e.handled_at is null`);
  if (f.status === 'handled') out.push(sql`e.handled_at is not null`);
  if (f.status === 'superseded') out.push(sql`exists (select 1 from document_links l where l.to_document_id = d.id and l.kind = 'supersedes')`);
  if (f.unitId) out.push(sql`d.unit_id = ${f.unitId}`);
  return out;
}

/** The query as the user typed it, cleaned: NFC, one line, at most 200 characters. */
export function cleanQuery(q: string | undefined): string {
  return (q ?? '').normalize('NFC').replace(/[\p{Cc}⟦⟧]/gu, ' ').replace(/\s+/g, ' ').trim().slice(0, 200);
}

type Row = {
  id: number;
  unit_id: number;
  unit_name: string;
  direction: Direction;
  number: string | null;
  kind: DocumentKind;
  issuer: string | null;
  date: string | Date | null;
  urgency: Urgency | null;
  secrecy: Secrecy | null;
  subject: string;
  seq: number | null;
  entry_date: string | Date | null;
  handled: boolean;
  rank: number | string | null;
  subject_marked: string | null;
  snippet: string | null;
};

const isoDay = (v: string | Date | null): string | null => (v == null ? null : v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

function toHit(r: Row): LibraryHit {
  return {
    id: Number(r.id),
    unitId: Number(r.unit_id),
    unitName: r.unit_name,
    direction: r.direction,
    number: r.number,
    kind: r.kind,
    issuer: r.issuer,
    date: isoDay(r.date),
    urgency: r.urgency,
    secrecy: r.secrecy,
    subject: r.subject,
    seq: r.seq == null ? null : Number(r.seq),
    entryDate: isoDay(r.entry_date),
    handled: !!r.handled,
    rank: r.rank == null ? null : Number(r.rank),
    subjectMarked: r.subject_marked,
    snippet: r.snippet,
  };
}

/**
 * The tsquery for a query: words go through websearch_to_tsquery; a number ("89 TB VPCP") also
 * matches its key as a prefix — the document's own number (weight A) ranks it first, the numbers
 * other documents cite (weight C) bring those after it.
 */
export function tsquerySql(q: string): { query: SQL; mode: 'text' | 'number'; ownNumber: SQL | null } {
  // A bare number ("600", "1440") is how a clerk remembers a document: match it against the
  // beginning of document numbers, and as a word anywhere; the document whose own number it is comes first.
  const bare = /^\s*(?:số\s*)?(\d{1,6})\s*$/iu.exec(q);
  if (bare) {
    const digits = bare[1]!;
    return { query: sql`(to_tsquery('sotay_vi', ${`${digits}:*`}) || websearch_to_tsquery('sotay_vi', ${digits}))`, mode: 'number', ownNumber: sql`(d.number_key ~ ${`^0*${digits.replace(/^0+/, '')}[a-z]`})` };
  }
  if (looksLikeNumber(q)) {
    const key = numberKey(q);
    if (key) return { query: sql`(to_tsquery('sotay_vi', ${`${key}:*`}) || websearch_to_tsquery('sotay_vi', ${q}))`, mode: 'number', ownNumber: sql`(d.number_key like ${`${key}%`})` };
  }
  return { query: sql`websearch_to_tsquery('sotay_vi', ${q})`, mode: 'text', ownNumber: null };
}

/**
 * The statements of one search (or list) page: the capped count, then the rows. A query that
 * matches more than COUNT_CAP documents ("broad") is ranked by the small header vector
 * (number, subject, issuer) and then by date, so that ranking never reads the bodies of tens of
 * thousands of matches; a narrower one by ts_rank over the whole document. Exposed for the
 * bench's raw-SQL baseline.
 */
export function searchStatements(scope: Scope, f: LibraryFilters, q: string | null, page: number, pageSize: number, broad = false): { rows: SQL; count: SQL; mode: LibraryPage['mode'] } {
  const where = [visibleSql(scope), ...filterSql(f)];
  const offset = (page - 1) * pageSize;
  if (!q) {
    return {
      mode: 'list',
      rows: sql`select d.id, d.unit_id, u.name as unit_name, d.direction, d.number, d.kind, d.issuer, d.date, d.urgency, d.secrecy, d.subject,
            e.seq, e.entry_date, e.handled_at is not null as handled, null::real as rank, null::text as subject_marked, null::text as snippet
          from documents d join units u on u.id = d.unit_id left join register_entries e on e.document_id = d.id
          where ${sql.join(where, sql` and `)}
          order by coalesce(d.date, e.entry_date) desc nulls last, d.id desc
          limit ${pageSize + 1} offset ${offset}`,
      count: countSql(where, null),
    };
  }
  const { query, mode, ownNumber } = tsquerySql(q);
  const matching = [...where, sql`d.search @@ q.query`];
  const textRank = broad ? sql`ts_rank(d.search_head, q.query)` : sql`ts_rank(d.search, q.query, 1)`;
  const rank = ownNumber ? sql`(${textRank} + case when ${ownNumber} then 10 else 0 end)` : textRank;
  return {
    mode,
    rows: sql`with q as (select ${query} as query)
        select p.*, ts_headline('sotay_vi', p.subject, q.query, ${'HighlightAll=true, ' + HEADLINE_OPTIONS}) as subject_marked,
               ts_headline('sotay_vi', d.body, q.query, ${HEADLINE_OPTIONS}) as snippet
        from (
          select d.id, d.unit_id, u.name as unit_name, d.direction, d.number, d.kind, d.issuer, d.date, d.urgency, d.secrecy, d.subject,
                 e.seq, e.entry_date, e.handled_at is not null as handled, ${rank} as rank
          from documents d join units u on u.id = d.unit_id left join register_entries e on e.document_id = d.id, q
          where ${sql.join(matching, sql` and `)}
          order by rank desc, coalesce(d.date, e.entry_date) desc nulls last, d.id desc
          limit ${pageSize + 1} offset ${offset}
        ) p join documents d on d.id = p.id, q
        order by p.rank desc, coalesce(p.date, p.entry_date) desc nulls last, p.id desc`,
    count: countSql(matching, query),
  };
}

/**
 * The planner prices `search @@ query` as cheap and, for a common word, scans the whole table —
 * reading every document's tsvector out of TOAST. The GIN index answers these queries exactly
 * (no recheck), so a search runs with sequential scans off, in its own transaction.
 */
export const SEARCH_SETTINGS = sql`set local enable_seqscan = off`;

async function runSearch(db: Db, scope: Scope, f: LibraryFilters, q: string | null, page: number, pageSize: number): Promise<LibraryPage> {
  const run = async (tx: Db) => {
    const counted = await queryRows<{ n: number | string }>(tx, searchStatements(scope, f, q, page, pageSize).count);
    const n = Number(counted[0]?.n ?? 0);
    const st = searchStatements(scope, f, q, page, pageSize, n > COUNT_CAP);
    const rows = n === 0 ? [] : await queryRows<Row>(tx, st.rows);
    return { hits: rows.slice(0, pageSize).map(toHit), hasMore: rows.length > pageSize, total: Math.min(n, COUNT_CAP), totalCapped: n > COUNT_CAP, corrected: null, mode: st.mode };
  };
  if (!q) return run(db);
  return db.transaction(async (tx) => {
    await tx.execute(SEARCH_SETTINGS);
    return run(tx);
  });
}

function countSql(where: SQL[], query: SQL | null): SQL {
  return sql`select count(*) as n from (
          select 1 from documents d join units u on u.id = d.unit_id left join register_entries e on e.document_id = d.id
          ${query ? sql`, (select ${query} as query) q` : sql``}
          where ${sql.join(where, sql` and `)} limit ${COUNT_CAP + 1}) s`;
}

/** Words of a query that the library does not know, replaced by the most similar known word (pg_trgm). */
export async function correctQuery(db: Db, q: string): Promise<string | null> {
  const words = q.split(/\s+/).filter(Boolean);
  let changed = false;
  const out: string[] = [];
  for (const word of words) {
    const f = foldVietnamese(word).replace(/[^a-z0-9]/g, '');
    if (f.length < 4 || /\d/.test(f)) {
      out.push(word);
      continue;
    }
    const known = await queryRows<{ word: string }>(db, sql`select word from search_words where word = ${f}`);
    if (known.length) {
      out.push(word);
      continue;
    }
    const best = await queryRows<{ word: string }>(
      db,
      sql`select word from search_words where word % ${f} order by similarity(word, ${f}) desc, word limit 1`,
    );
    if (best[0]) {
      out.push(best[0].word);
      changed = true;
    } else out.push(word);
  }
  return changed ? out.join(' ') : null;
}

/** A page of the library (newest first) or of search results (best first), within the actor's scope. */
export async function searchLibrary(db: Db, scope: Scope, filters: LibraryFilters, opts: { page?: number; pageSize?: number } = {}): Promise<LibraryPage> {
  const page = Math.max(1, opts.page ?? 1);
  const pageSize = Math.min(100, Math.max(1, opts.pageSize ?? 20));
  const q = cleanQuery(filters.q);
  const searchable = /[\p{L}\p{N}]/u.test(q) ? q : null;
  const result = await runSearch(db, scope, filters, searchable, page, pageSize);
  if (searchable && result.mode === 'text' && result.total === 0 && page === 1) {
    const corrected = await correctQuery(db, searchable);
    if (corrected) {
      const again = await runSearch(db, scope, filters, corrected, page, pageSize);
      if (again.total > 0) return { ...again, corrected };
    }
  }
  return result;
}

export type FilterOptions = { issuers: { key: string; label: string }[]; years: number[] };

/** The issuers and years present in the actor's library, for the filter menus. */
export async function filterOptions(db: Db, scope: Scope): Promise<FilterOptions> {
  const issuers = await queryRows<{ key: string; label: string }>(
    db,
    sql`select d.issuer_key as key, min(coalesce(iu.name, d.issuer)) as label
        from documents d join units u on u.id = d.unit_id left join units iu on iu.id = d.issuer_unit_id
        where ${visibleSql(scope)} and d.issuer_key <> ''
        group by d.issuer_key order by 2 limit 300`,
  );
  const years = await queryRows<{ y: number | string }>(
    db,
    sql`select distinct extract(year from coalesce(d.date, e.entry_date))::int as y
        from documents d join units u on u.id = d.unit_id left join register_entries e on e.document_id = d.id
        where ${visibleSql(scope)} and coalesce(d.date, e.entry_date) is not null order by 1 desc limit 50`,
  );
  return { issuers, years: years.map((r) => Number(r.y)) };
}
