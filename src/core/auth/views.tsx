import type { RequestContext } from '../http/context.ts';
import type { FieldErrors, FormValues } from '../http/forms.ts';
import { Layout } from '../layout/Layout.tsx';
import { ErrorSummary, Field, Form } from '../layout/components.tsx';
import { formatDateTime } from '../i18n/i18n.ts';
import type { SessionRow } from './sessions.ts';

export function LoginPage(props: { rc: RequestContext; next?: string | undefined; error?: string; values?: FormValues; notice?: string }) {
  const { rc } = props;
  const t = rc.t.login;
  return (
    <Layout rc={rc} title={t.title}>
      <h1>{t.title}</h1>
      {props.notice ? (
        <p class="notice" role="status">
          {props.notice}
        </p>
      ) : null}
      {props.error ? (
        <div class="error-summary" role="alert" id="error-summary" tabIndex={-1}>
          <p>{props.error}</p>
        </div>
      ) : null}
      <Form rc={rc} action="/login">
        {props.next ? <input type="hidden" name="next" value={props.next} /> : null}
        <Field name="identifier" label={t.identifier} hint={t.identifierHint} values={props.values} required autocomplete="username" autofocus={!props.values?.identifier} />
        <Field name="password" label={t.password} type="password" required autocomplete="current-password" autofocus={!!props.values?.identifier} />
        <div class="actions">
          <button type="submit" class="primary">
            {t.submit}
          </button>
        </div>
      </Form>
      <p class="muted">{t.forgot}</p>
    </Layout>
  );
}

export function CardLoginPage(props: { rc: RequestContext; token: string }) {
  const t = props.rc.t.login;
  return (
    <Layout rc={props.rc} title={t.title}>
      <h1>{t.cardTitle}</h1>
      <p>{t.cardExplain}</p>
      <Form rc={props.rc} action={`/login/card/${props.token}`}>
        <div class="actions">
          <button type="submit" class="primary">
            {t.cardSubmit}
          </button>
        </div>
      </Form>
    </Layout>
  );
}

export function TotpPage(props: { rc: RequestContext; error?: string }) {
  const t = props.rc.t.login;
  return (
    <Layout rc={props.rc} title={t.totpTitle}>
      <h1>{t.totpTitle}</h1>
      {props.error ? (
        <div class="error-summary" role="alert" id="error-summary" tabIndex={-1}>
          <p>{props.error}</p>
        </div>
      ) : null}
      <Form rc={props.rc} action="/login/totp">
        <Field name="code" label={t.totpCode} inputMode="numeric" autocomplete="one-time-code" required maxLength={6} autofocus />
        <div class="actions">
          <button type="submit" class="primary">
            {t.submit}
          </button>
        </div>
      </Form>
    </Layout>
  );
}

export function PasswordPage(props: { rc: RequestContext; errors?: FieldErrors }) {
  const { rc } = props;
  const t = rc.t.account;
  const forced = rc.account?.mustChangePassword;
  return (
    <Layout rc={rc} title={t.changePassword}>
      <h1>{t.changePassword}</h1>
      {forced ? <p class="notice">{t.mustChange}</p> : null}
      <ErrorSummary rc={rc} errors={props.errors} labels={{ current: t.currentPassword, password: t.newPassword, confirm: t.confirmPassword }} />
      <Form rc={rc} action="/account/password">
        {forced ? null : <Field name="current" label={t.currentPassword} type="password" required autocomplete="current-password" errors={props.errors} />}
        <Field name="password" label={t.newPassword} hint={t.newPasswordHint} type="password" required autocomplete="new-password" errors={props.errors} />
        <Field name="confirm" label={t.confirmPassword} type="password" required autocomplete="new-password" errors={props.errors} />
        <div class="actions">
          <button type="submit" class="primary">
            {rc.t.common.save}
          </button>
        </div>
      </Form>
    </Layout>
  );
}

export function AccountPage(props: { rc: RequestContext; sessions: SessionRow[]; totp?: { secret: string; qrSvg: string; error?: string } }) {
  const { rc } = props;
  const t = rc.t.account;
  const acc = rc.account!;
  const canTwoFactor = rc.session?.kind === 'staff' || acc.totpEnabled;
  return (
    <Layout rc={rc} title={t.title}>
      <h1>{t.title}</h1>
      <p>
        <strong>{rc.actor?.fullName}</strong>
      </p>
      <p>
        <a class="button" href="/account/password">
          {t.changePassword}
        </a>
      </p>
      <h2>{t.sessions}</h2>
      <ul class="list">
        {props.sessions.map((s) => (
          <li key={s.id}>
            <div>
              {s.userAgent ? shortAgent(s.userAgent) : '—'} · {formatDateTime(s.lastSeenAt)}
              {s.id === rc.session?.id ? <strong> ({t.thisDevice})</strong> : null}
            </div>
            {s.id !== rc.session?.id ? (
              <Form rc={rc} action="/account/sessions/revoke" class="inline">
                <input type="hidden" name="session" value={s.id.slice(0, 16)} />
                <button type="submit" class="link">
                  {t.revoke}
                </button>
              </Form>
            ) : null}
          </li>
        ))}
      </ul>
      {canTwoFactor ? (
        <section>
          <h2>{t.twoFactor}</h2>
          <p>{acc.totpEnabled ? t.twoFactorOn : t.twoFactorOff}</p>
          {acc.totpEnabled ? (
            <Form rc={rc} action="/account/totp/disable">
              <Field name="code" label={rc.t.login.totpCode} inputMode="numeric" autocomplete="one-time-code" required maxLength={6} />
              <button type="submit" class="danger">
                {t.twoFactorDisable}
              </button>
            </Form>
          ) : props.totp ? (
            <Form rc={rc} action="/account/totp/enable">
              <p>{t.twoFactorScan}</p>
              <div class="qr-card" dangerouslySetInnerHTML={{ __html: props.totp.qrSvg }} />
              <p>
                {t.twoFactorSecret}: <code>{props.totp.secret}</code>
              </p>
              <input type="hidden" name="secret" value={props.totp.secret} />
              {props.totp.error ? <p class="error">{props.totp.error}</p> : null}
              <Field name="code" label={rc.t.login.totpCode} inputMode="numeric" autocomplete="one-time-code" required maxLength={6} />
              <button type="submit" class="primary">
                {t.twoFactorEnable}
              </button>
            </Form>
          ) : (
            <p>
              <a class="button" href="/account?totp=setup">
                {t.twoFactorEnable}
              </a>
            </p>
          )}
        </section>
      ) : null}
    </Layout>
  );
}

function shortAgent(ua: string): string {
  const browser = /Firefox\/\d+/.exec(ua)?.[0] ?? /Chrom(e|ium)\/\d+/.exec(ua)?.[0] ?? /Safari\/\d+/.exec(ua)?.[0] ?? 'Trình duyệt';
  const os = /Android [\d.]+/.exec(ua)?.[0] ?? /iPhone OS [\d_]+/.exec(ua)?.[0] ?? /Windows NT [\d.]+/.exec(ua)?.[0] ?? /Linux/.exec(ua)?.[0] ?? '';
  return `${browser}${os ? ` · ${os}` : ''}`;
}
