// "Tìm văn bản" for members: a search box over what has reached them (src/distribution/find.ts),
// and its tile on the handbook home. Staff who may open the library search the library instead
// (its tile is their search); this page still searches their own documents.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Feature } from '../core/feature.ts';
import type { RequestContext } from '../core/http/context.ts';
import { defineRoute, self } from '../core/http/routes.ts';
import { sendPage } from '../core/http/render.ts';
import { defineMessages, formatDate } from '../core/i18n/i18n.ts';
import { Layout } from '../core/layout/Layout.tsx';
import { Field, Form, Pager } from '../core/layout/components.tsx';
import { can } from '../core/policy/policy.ts';
import { documentMessages } from '../documents/messages.ts';
import { highlights } from '../documents/search.ts';
import { UrgencyTag } from '../documents/views.tsx';
import { FIND_MAX_QUERY, findMine, type FoundPublication } from './find.ts';
import { audienceKeys } from './publications.ts';
import { distributionMessages } from './messages.ts';
import { kindLabel } from './views.tsx';

export const findMessages = defineMessages(
  {
    tile: { label: 'Tìm văn bản', sub: 'Gõ vài chữ, không cần dấu' },
    title: 'Tìm văn bản',
    field: 'Tìm trong văn bản, thông báo đã gửi đến đồng chí',
    hint: 'Gõ vài chữ nhớ được, có dấu hay không dấu đều được (ví dụ: phong chong dich), hoặc số văn bản (ví dụ: 354-CV/TU).',
    submit: 'Tìm',
    found: (n: number, more: boolean) => (more ? `Hơn ${n} kết quả, kết quả khớp nhất ở trên.` : `${n} kết quả.`),
    none: (q: string) => `Không tìm thấy văn bản nào đã gửi đến đồng chí có "${q}". Hãy thử ít chữ hơn, hoặc xem "Văn bản của tôi".`,
    mine: 'Văn bản của tôi',
    done: 'Đã xong',
    notDone: 'Chưa đọc',
    tooLong: `Nội dung tìm quá dài (tối đa ${FIND_MAX_QUERY} ký tự).`,
  },
  {
    tile: { label: 'Find a document', sub: 'Type a few words, accents optional' },
    title: 'Find a document',
    field: 'Search the documents and notices sent to you',
    hint: 'Type a few words you remember, with or without Vietnamese accents (e.g. phong chong dich), or a document number (e.g. 354-CV/TU).',
    submit: 'Search',
    found: (n: number, more: boolean) => (more ? `More than ${n} results, best matches first.` : `${n} results.`),
    none: (q: string) => `No document sent to you contains "${q}". Try fewer words, or look at "My documents".`,
    mine: 'My documents',
    done: 'Done',
    notDone: 'Not read yet',
    tooLong: `The search is too long (at most ${FIND_MAX_QUERY} characters).`,
  },
);

const MAX_PAGE = 10_000;
const findQuery = z.object({
  q: z.string().max(10_000).optional().describe('Words or a document number'),
  page: z.preprocess((v) => (v === '' || v == null ? undefined : v), z.coerce.number().int().min(1).max(MAX_PAGE).optional()).catch(undefined),
});
type FindQuery = z.infer<typeof findQuery>;

function Marked(p: { text: string }) {
  return <>{highlights(p.text).map((part, i) => (part.mark ? <mark key={i}>{part.text}</mark> : part.text))}</>;
}

export function FindPage(p: { rc: RequestContext; q: string; error: string | null; page: number; items: FoundPublication[]; hasMore: boolean }) {
  const { rc } = p;
  const m = findMessages(rc.locale);
  const dm = distributionMessages(rc.locale);
  const docm = documentMessages(rc.locale);
  const searched = p.q !== '' && !p.error;
  return (
    <Layout rc={rc} title={p.q ? `${m.title}: ${p.q}` : m.title}>
      <h1>{m.title}</h1>
      <Form rc={rc} action="/reading/search" method="get" class="search-form" id="find-search">
        <Field name="q" type="search" label={m.field} hint={m.hint} value={p.q} maxLength={FIND_MAX_QUERY} errors={p.error ? { q: p.error } : undefined} />
        <p class="actions">
          <button type="submit" class="primary">
            {m.submit}
          </button>
          <a class="button" href="/reading">
            {m.mine}
          </a>
        </p>
      </Form>
      {searched ? (
        <section aria-labelledby="h-found">
          <h2 id="h-found" class="muted" aria-live="polite">
            {p.items.length === 0 ? m.none(p.q) : m.found(p.items.length + (p.page - 1) * 20, p.hasMore)}
          </h2>
          <ul class="list pubs">
            {p.items.map((it) => {
              const done = it.requirement === 'study' ? !!it.studiedAt : !!it.readAt;
              return (
                <li key={it.id} class={done ? undefined : 'unread'}>
                  <p class="pub-title">
                    <a href={`/reading/${it.id}`}>
                      <Marked text={it.titleMarked} />
                    </a>
                  </p>
                  {it.snippet ? (
                    <p class="snippet">
                      <Marked text={it.snippet} />
                    </p>
                  ) : null}
                  <p class="pub-meta">
                    <span class={`tag status${done ? ' done' : ' new'}`}>{done ? m.done : m.notDone}</span>
                    <UrgencyTag m={docm} urgency={it.urgency} />
                  </p>
                  <p class="muted pub-from">
                    {kindLabel(rc, { ...it, announcement: it.documentId == null })} · {dm.list.from(it.unitName)} · {dm.list.publishedOn(formatDate(it.publishedAt))}
                  </p>
                </li>
              );
            })}
          </ul>
          <Pager rc={rc} page={p.page} hasMore={p.hasMore} href={(n) => `/reading/search?q=${encodeURIComponent(p.q)}&page=${n}`} />
        </section>
      ) : null}
    </Layout>
  );
}

/** Whether anything can reach the actor as a member (their units are some publication's audience). */
const reachable = (rc: RequestContext) => {
  const keys = audienceKeys(rc.actor!);
  return keys.all.length + keys.secretaries.length + keys.committee.length > 0;
};

export const memberSearchFeature: Feature = {
  name: 'member-search',
  homeTiles: (rc) => {
    // Staff who open the library have it as their search tile.
    if (!rc.actor || can(rc.actor, 'document.library', { type: 'self' }) || !reachable(rc)) return [];
    const m = findMessages(rc.locale);
    return [{ href: '/reading/search', icon: '🔍', label: m.tile.label, sub: m.tile.sub }];
  },
  routes: (app: FastifyInstance) => {
    defineRoute<unknown, FindQuery>(app, {
      method: 'GET',
      url: '/reading/search',
      query: findQuery,
      access: self(),
      handler: async (req, reply, rc) => {
        const q = (req.query.q ?? '').trim();
        const page = req.query.page ?? 1;
        if (q.length > FIND_MAX_QUERY) {
          return sendPage(reply, <FindPage rc={rc} q={q.slice(0, FIND_MAX_QUERY)} error={findMessages(rc.locale).tooLong} page={1} items={[]} hasMore={false} />, 422);
        }
        const { items, hasMore } = q ? await findMine(rc.db, rc.actor!, q, { page }) : { items: [], hasMore: false };
        return sendPage(reply, <FindPage rc={rc} q={q} error={null} page={page} items={items} hasMore={hasMore} />);
      },
    });
  },
};
