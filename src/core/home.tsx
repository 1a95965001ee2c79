// The member's handbook home: at most six large tiles, contributed by the features that exist.
import type { FastifyInstance } from 'fastify';
import type { Feature, HomeTile } from './feature.ts';
import { defineRoute, self } from './http/routes.ts';
import { sendPage } from './http/render.ts';
import type { RequestContext } from './http/context.ts';
import { Layout } from './layout/Layout.tsx';
import { can } from './policy/policy.ts';
import { keepOffline } from './offline/offline.ts';

export function HomePage(props: { rc: RequestContext; tiles: HomeTile[] }) {
  const { rc } = props;
  return (
    <Layout rc={rc} title={rc.t.nav.home}>
      <h1>{rc.t.home.greeting(rc.actor!.fullName)}</h1>
      {!rc.actor!.membership ? <p class="muted">{rc.t.home.noCell}</p> : null}
      <ul class="tiles">
        {props.tiles.slice(0, 6).map((tile) => (
          <li key={tile.href}>
            <a class="tile" href={tile.href}>
              <span class="tile-icon" aria-hidden="true">
                {tile.icon}
              </span>
              <span>
                {tile.label}
                {tile.count ? (
                  <>
                    {' '}
                    <span class="badge">{tile.count}</span>
                  </>
                ) : null}
              </span>
              {tile.sub ? <span class="tile-sub">{tile.sub}</span> : null}
            </a>
          </li>
        ))}
      </ul>
    </Layout>
  );
}

export function homeFeature(features: () => Feature[]): Feature {
  return {
    name: 'home',
    routes: (app: FastifyInstance) => {
      defineRoute(app, {
        method: 'GET',
        url: '/',
        access: self(),
        handler: async (_req, reply, rc) => {
          const tiles: HomeTile[] = [];
          for (const f of features()) if (f.homeTiles) tiles.push(...(await f.homeTiles(rc)));
          tiles.push({ href: '/account', icon: '👤', label: rc.t.home.tiles.account });
          if (can(rc.actor, 'admin.enter', { type: 'self' })) tiles.push({ href: '/admin', icon: '⚙', label: rc.t.home.tiles.admin });
          keepOffline(reply, rc);
          return sendPage(reply, <HomePage rc={rc} tiles={tiles} />);
        },
      });
    },
  };
}
