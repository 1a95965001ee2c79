// The page shell: header with navigation, the text-size and contrast controls (plain forms,
// remembered in a cookie, no JavaScript needed), the language switch, and the content.
import type { ComponentChildren } from 'preact';
import type { RequestContext } from '../http/context.ts';
import { can } from '../policy/policy.ts';
import { Flash, Form } from './components.tsx';
import { assetUrl } from './assets.ts';
import { userTag } from '../offline/offline.ts';

export function Layout(props: { rc: RequestContext; title: string; children: ComponentChildren; description?: string; /** Reload the page every n seconds (progress of a long operation), without JavaScript. */ refreshSeconds?: number }) {
  const { rc } = props;
  const t = rc.t;
  const a = rc.actor;
  const loggedIn = a != null && !rc.session?.pendingSecondFactor;
  const user = userTag(rc);
  return (
    <html lang={rc.locale} class={`ts-${rc.prefs.textSize}${rc.prefs.contrast ? ' hc' : ''}`}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · ${t.appName}`}</title>
        {props.description ? <meta name="description" content={props.description} /> : null}
        {props.refreshSeconds ? <meta http-equiv="refresh" content={String(props.refreshSeconds)} /> : null}
        <meta name="theme-color" content="#b3261e" />
        <link rel="icon" href={assetUrl('icon.svg')} type="image/svg+xml" />
        <link rel="manifest" href="/manifest.webmanifest" />
        <link rel="apple-touch-icon" href={assetUrl('icon-192.png')} />
        <link rel="stylesheet" href={assetUrl('app.css')} />
        <script src={assetUrl('app.js')} defer></script>
        {user ? <meta name="sotay-user" content={user} /> : null}
        {user ? <script src={assetUrl('offline.js')} defer></script> : null}
      </head>
      <body>
        <a class="skip" href="#main">
          {t.skipToContent}
        </a>
        <header class="site-header">
          <div class="bar">
            <a class="brand" href="/">
              <span class="brand-mark" aria-hidden="true">
                ★
              </span>{' '}
              {t.appName}
            </a>
            {loggedIn ? (
              <nav aria-label={t.nav.menu} class="main-nav">
                <ul>
                  <li>
                    <a href="/">{t.nav.home}</a>
                  </li>
                  {a.membership ? (
                    <li>
                      <a href={`/units/${a.membership.unitId}`}>{t.nav.myCell}</a>
                    </li>
                  ) : null}
                  {(rc.features ?? []).flatMap((f) => f.navLinks?.(rc) ?? []).map((l) => (
                    <li key={l.href}>
                      <a href={l.href}>{l.label}</a>
                    </li>
                  ))}
                  {can(a, 'admin.enter', { type: 'self' }) ? (
                    <li>
                      <a href="/admin">{t.nav.admin}</a>
                    </li>
                  ) : null}
                  <li>
                    <a href="/account">{t.nav.account}</a>
                  </li>
                  <li>
                    <Form rc={rc} action="/logout" class="inline">
                      <button type="submit" class="link">
                        {t.nav.logout}
                      </button>
                    </Form>
                  </li>
                </ul>
              </nav>
            ) : null}
          </div>
        </header>
        <main id="main" tabIndex={-1}>
          <Flash message={rc.flash} />
          {props.children}
        </main>
        <footer class="site-footer">
          <Form rc={rc} action="/prefs" class="prefs">
            <input type="hidden" name="return" value={rc.url} />
            <fieldset>
              <legend>{t.prefs.textSize}</legend>
              {(['1', '2', '3'] as const).map((s) => (
                <button type="submit" name="textSize" value={s} class={`size-${s}`} aria-pressed={String(rc.prefs.textSize) === s ? 'true' : 'false'}>
                  {t.prefs.sizes[s]}
                </button>
              ))}
            </fieldset>
            <fieldset>
              <legend>{t.prefs.contrast}</legend>
              <button type="submit" name="contrast" value={rc.prefs.contrast ? '0' : '1'} aria-pressed={rc.prefs.contrast ? 'true' : 'false'}>
                {rc.prefs.contrast ? t.prefs.contrastOff : t.prefs.contrastOn}
              </button>
            </fieldset>
            <fieldset>
              <legend>{t.prefs.language}</legend>
              <button type="submit" name="locale" value="vi" lang="vi" aria-pressed={rc.locale === 'vi' ? 'true' : 'false'}>
                Tiếng Việt
              </button>
              <button type="submit" name="locale" value="en" lang="en" aria-pressed={rc.locale === 'en' ? 'true' : 'false'}>
                English
              </button>
            </fieldset>
          </Form>
          <p class="muted">{t.appTagline}</p>
        </footer>
      </body>
    </html>
  );
}

export function MessagePage(props: { rc: RequestContext; title: string; message: string }) {
  return (
    <Layout rc={props.rc} title={props.title}>
      <h1>{props.title}</h1>
      <p>{props.message}</p>
      <p>
        <a href="/">{props.rc.t.errors.homeLink}</a>
      </p>
    </Layout>
  );
}
