// The installable app and offline reading: the web app manifest, the one service worker of the
// site (push notifications and offline pages: static/sw.js, with the queue of static/offline.js),
// the page shown offline when a page was not kept, and the list of pages the worker keeps for
// the logged-in member. See offline.ts for how kept pages stay with their own account.
import crypto from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Feature } from '../feature.ts';
import type { RequestContext } from '../http/context.ts';
import { defineRoute, self } from '../http/routes.ts';
import { safeReturnPath, sendPage } from '../http/render.ts';
import { Layout } from '../layout/Layout.tsx';
import { assetNames, assetUrl, getAsset } from '../layout/assets.ts';
import { offlineMessages } from './messages.ts';
import { USER_HEADER, userTag } from './offline.ts';

/** The manifest (Chrome installs the app from it; icons as PNG for Android, SVG for the rest). */
export function manifest() {
  const m = offlineMessages('vi');
  return {
    id: '/',
    name: m.appName,
    short_name: m.shortName,
    description: m.description,
    lang: 'vi',
    dir: 'ltr',
    start_url: '/',
    scope: '/',
    display: 'standalone',
    background_color: '#fffbfe',
    theme_color: '#b3261e',
    icons: [
      { src: assetUrl('icon-192.png'), sizes: '192x192', type: 'image/png' },
      { src: assetUrl('icon-512.png'), sizes: '512x512', type: 'image/png' },
      { src: assetUrl('icon-maskable-512.png'), sizes: '512x512', type: 'image/png', purpose: 'maskable' },
      { src: assetUrl('icon.svg'), sizes: 'any', type: 'image/svg+xml' },
    ],
  };
}

let worker: { body: string; etag: string } | undefined;
/** The service worker: its settings (version, files to keep), then static/sw.js. Its bytes change with any shell file. */
export function serviceWorker(): { body: string; etag: string } {
  if (worker) return worker;
  const precache = ['/offline', ...assetNames(['.css', '.js', '.svg']).filter((n) => n !== 'sw.js').map(assetUrl)];
  const settings = { queue: assetUrl('offline.js'), precache };
  const source = getAsset('sw.js')!.body.toString('utf8');
  const version = crypto.createHash('sha256').update(JSON.stringify(settings)).update(JSON.stringify(offlineMessages('vi'))).update(JSON.stringify(offlineMessages('en'))).update(source).digest('hex').slice(0, 12);
  const body = `self.SOTAY = ${JSON.stringify({ version, ...settings })};\n${source}`;
  worker = { body, etag: `"${version}"` };
  return worker;
}

export function OfflinePage(props: { rc: RequestContext }) {
  const { rc } = props;
  const m = offlineMessages(rc.locale).page;
  return (
    <Layout rc={rc} title={m.title}>
      <h1>{m.title}</h1>
      <p>{m.lead}</p>
      <p>{m.saved}</p>
      <p>{m.queued}</p>
      <p>{m.retry}</p>
      <ul class="list">
        <li>
          <a href="/reading">{m.myDocuments}</a>
        </li>
        <li>
          <a href="/">{m.home}</a>
        </li>
      </ul>
    </Layout>
  );
}

const pagesJson = z.object({
  user: z.string().describe('Opaque tag of the account; the service worker keeps pages per tag'),
  pages: z.array(z.string()).describe('Lists to keep fresh: fetched again each time'),
  documents: z.array(z.string()).describe('Reading pages of the caller\'s unread and bookmarked documents: fetched once'),
});

export function offlineFeature(features: () => readonly Feature[]): Feature {
  return {
    name: 'offline',
    routes: (app: FastifyInstance) => {
      // Whose page this is, on every answer to a logged-in person (the worker keeps pages per account).
      app.addHook('onSend', async (req, reply, payload) => {
        const tag = req.rc ? userTag(req.rc) : null;
        if (tag && !req.url.startsWith('/static/')) reply.header(USER_HEADER, tag);
        return payload;
      });

      defineRoute(app, {
        method: 'GET',
        url: '/sw.js',
        access: { public: 'the service worker script: a browser fetches it for push notifications and offline reading, also when logged out (it holds no data)' },
        handler: (req, reply) => {
          const sw = serviceWorker();
          reply.header('cache-control', 'no-cache').header('service-worker-allowed', '/').header('etag', sw.etag);
          if (req.headers['if-none-match'] === sw.etag) return reply.code(304).send();
          return reply.type('text/javascript; charset=utf-8').send(sw.body);
        },
      });

      defineRoute(app, {
        method: 'GET',
        url: '/manifest.webmanifest',
        access: { public: 'the web app manifest: name, icons and colours for installing the app (no data)' },
        handler: (_req, reply) => reply.type('application/manifest+json; charset=utf-8').header('cache-control', 'public, max-age=3600').send(JSON.stringify(manifest())),
      });

      defineRoute(app, {
        method: 'GET',
        url: '/offline',
        access: { public: 'the page shown without a connection; the service worker keeps it for everyone, so it shows nobody\'s data' },
        handler: (_req, reply, rc) => sendPage(reply, <OfflinePage rc={{ ...rc, actor: null, account: null, session: null, csrf: '', flash: null }} />),
      });

      defineRoute(app, {
        method: 'GET',
        url: '/api/v1/offline/pages',
        access: self(),
        doc: {
          summary: "The caller's pages to keep for reading offline: the home page, the lists of their documents, and the reading pages of their unread and bookmarked documents (only their own)",
          tags: ['offline'],
          response: { 200: pagesJson },
        },
        handler: async (_req, reply, rc) => {
          const pages = new Set(['/']);
          const documents = new Set<string>();
          for (const f of features()) {
            if (!f.offlinePages) continue;
            const r = await f.offlinePages(rc);
            for (const u of r.pages ?? []) if (safeReturnPath(u, '') === u) pages.add(u);
            for (const u of r.documents ?? []) if (safeReturnPath(u, '') === u && !pages.has(u)) documents.add(u);
          }
          reply.header('cache-control', 'private, no-store');
          return { user: userTag(rc)!, pages: [...pages], documents: [...documents] };
        },
      });
    },
  };
}
