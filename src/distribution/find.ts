// A member's search over what has reached them: the documents and announcements published to
// their units, found by a half-remembered phrase typed without diacritics ("nghi quyet" finds
// "nghị quyết") or by number ("89 TB VPCP"). Documents go through the library's full-text index
// (the same `sotay_vi` configuration and query rules as the library search); announcements, few
// and short, are matched through the same configuration on the fly. Only publications whose
// audience includes the member are searched: nothing else in the library is visible here.
import { sql } from 'drizzle-orm';
import type { Db } from '../core/db/client.ts';
import { queryRows } from '../core/db/client.ts';
import type { Actor } from '../core/policy/policy.ts';
import { HEADLINE_OPTIONS, MARK_END, MARK_START, tsquerySql } from '../documents/search.ts';
import type { MyPublication } from './publications.ts';
import { visibleToActor } from './publications.ts';

export type FoundPublication = Pick<MyPublication, 'id' | 'title' | 'number' | 'docKind' | 'urgency' | 'requirement' | 'unitName' | 'publishedAt' | 'readAt' | 'studiedAt'> & {
  documentId: number | null;
  /** The title with the matched words between ⟦ and ⟧. */
  titleMarked: string;
  /** Matched words in context from the body, between ⟦ and ⟧; null when only the title matched. */
  snippet: string | null;
};

export const FIND_MAX_QUERY = 200;

type Row = {
  id: number;
  document_id: number | null;
  title: string;
  number: string | null;
  kind: MyPublication['docKind'];
  urgency: MyPublication['urgency'];
  requirement: MyPublication['requirement'];
  unit_name: string;
  published_at: string | Date;
  read_at: string | Date | null;
  studied_at: string | Date | null;
  title_marked: string;
  snippet: string | null;
};

const toDate = (v: string | Date | null): Date | null => (v == null ? null : v instanceof Date ? v : new Date(v));

/** Publications reaching the actor that match `q`, best first; `q` is trimmed, empty finds nothing. */
export async function findMine(db: Db, actor: Actor, q: string, opts: { page?: number; pageSize?: number } = {}): Promise<{ items: FoundPublication[]; hasMore: boolean }> {
  const text = q.trim().slice(0, FIND_MAX_QUERY);
  const visible = visibleToActor(db, actor);
  if (!text || !visible) return { items: [], hasMore: false };
  const pageSize = opts.pageSize ?? 20;
  const page = Math.max(1, opts.page ?? 1);
  const { query, ownNumber } = tsquerySql(text);
  // Weighted like a document's: the title as its subject (B), the body as its body (D).
  const announcement = sql`(setweight(to_tsvector('sotay_vi', coalesce(p.title, '')), 'B') || setweight(to_tsvector('sotay_vi', coalesce(p.body, '')), 'D'))`;
  const rank = sql`(case when d.id is not null then ts_rank(d.search, q.query, 1) else ts_rank(${announcement}, q.query, 1) end${ownNumber ? sql` + case when d.id is not null and ${ownNumber} then 10 else 0 end` : sql``})`;
  const rows = await queryRows<Row>(
    db,
    sql`with q as (select ${query} as query)
        select p.id, p.document_id, coalesce(p.title, d.subject) as title, d.number, d.kind, d.urgency, p.requirement, u.name as unit_name,
               p.published_at, r.read_at, r.studied_at,
               ts_headline('sotay_vi', coalesce(p.title, d.subject), q.query, ${`HighlightAll=true, StartSel=${MARK_START}, StopSel=${MARK_END}`}) as title_marked,
               ts_headline('sotay_vi', coalesce(d.body, p.body, ''), q.query, ${HEADLINE_OPTIONS}) as snippet
        from publications p
          join units u on u.id = p.unit_id
          left join documents d on d.id = p.document_id
          left join publication_reads r on r.publication_id = p.id and r.person_id = ${actor.personId},
          q
        where p.id in (${visible})
          and (d.search @@ q.query or (p.document_id is null and ${announcement} @@ q.query))
        order by ${rank} desc, p.published_at desc, p.id desc
        limit ${pageSize + 1} offset ${(page - 1) * pageSize}`,
  );
  const items = rows.slice(0, pageSize).map((r) => ({
    id: Number(r.id),
    documentId: r.document_id == null ? null : Number(r.document_id),
    title: r.title,
    number: r.number,
    docKind: r.kind,
    urgency: r.urgency,
    requirement: r.requirement,
    unitName: r.unit_name,
    publishedAt: toDate(r.published_at)!,
    readAt: toDate(r.read_at),
    studiedAt: toDate(r.studied_at),
    titleMarked: r.title_marked,
    snippet: r.snippet && r.snippet.includes(MARK_START) ? r.snippet : null,
  }));
  return { items, hasMore: rows.length > pageSize };
}
