// Shared page pieces. Everything renders on the server; forms work without JavaScript.
import type { ComponentChildren } from 'preact';
import type { RequestContext } from '../http/context.ts';
import type { FieldErrors, FormValues } from '../http/forms.ts';

export function Form(props: { rc: RequestContext; action: string; method?: 'post' | 'get'; multipart?: boolean; children: ComponentChildren; class?: string; id?: string; confirm?: string }) {
  const method = props.method ?? 'post';
  const action = props.multipart ? `${props.action}${props.action.includes('?') ? '&' : '?'}_csrf=${encodeURIComponent(props.rc.csrf)}` : props.action;
  return (
    <form method={method} action={action} class={props.class} id={props.id} enctype={props.multipart ? 'multipart/form-data' : undefined} data-confirm={props.confirm}>
      {method === 'post' && !props.multipart ? <input type="hidden" name="_csrf" value={props.rc.csrf} /> : null}
      {props.children}
    </form>
  );
}

export function ErrorSummary(props: { rc: RequestContext; errors?: FieldErrors | undefined; labels?: Record<string, string> }) {
  const entries = Object.entries(props.errors ?? {});
  if (entries.length === 0) return null;
  return (
    <div class="error-summary" role="alert" tabIndex={-1} id="error-summary">
      <p>
        <strong>{props.rc.t.common.formHasErrors(entries.length)}</strong>
      </p>
      <ul>
        {entries.map(([k, msg]) => (
          <li key={k}>{k === '_form' ? msg : <a href={`#f-${k}`}>{props.labels?.[k] ? `${props.labels[k]}: ${msg}` : msg}</a>}</li>
        ))}
      </ul>
    </div>
  );
}

type FieldProps = {
  name: string;
  label: string;
  values?: FormValues | Record<string, string | null | undefined> | undefined;
  value?: string | null | undefined;
  errors?: FieldErrors | undefined;
  type?: 'text' | 'password' | 'tel' | 'email' | 'date' | 'number' | 'search' | 'url';
  hint?: string;
  required?: boolean;
  autocomplete?: string;
  inputMode?: 'numeric' | 'tel' | 'text' | 'email' | 'search';
  placeholder?: string;
  maxLength?: number;
  autofocus?: boolean;
};

/** The ids a control points its aria-describedby at: its hint and its error, when shown. */
export const describedBy = (id: string, hint: unknown, error: unknown): string | undefined => [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;

/** The label, hint and error around one control whose id the caller chose (pair it with `describedBy`). */
export function Frame(p: { id: string; label: string; hint?: string | undefined; error?: string | undefined; required?: boolean | undefined; class?: string | undefined; children: ComponentChildren }) {
  return (
    <div class={`field${p.error ? ' field-error' : ''}${p.class ? ` ${p.class}` : ''}`}>
      <label for={p.id}>
        {p.label}
        {p.required ? <span class="req" aria-hidden="true"> *</span> : null}
      </label>
      {p.hint ? (
        <p class="hint" id={`${p.id}-hint`}>
          {p.hint}
        </p>
      ) : null}
      {p.error ? (
        <p class="error" id={`${p.id}-error`}>
          {p.error}
        </p>
      ) : null}
      {p.children}
    </div>
  );
}

/** A field named in a form: its id is `f-<name>` unless given, its error `errors[name]`; the control gets `id` and `describedBy`. */
function FieldFrame(p: {
  name: string;
  label: string;
  hint?: string | undefined;
  required?: boolean | undefined;
  errors?: FieldErrors | undefined;
  id?: string | undefined;
  class?: string | undefined;
  children: (ids: { id: string; describedBy: string | undefined; invalid: boolean }) => ComponentChildren;
}) {
  const id = p.id ?? `f-${p.name}`;
  const error = p.errors?.[p.name];
  return (
    <Frame id={id} label={p.label} hint={p.hint} error={error} required={p.required} class={p.class}>
      {p.children({ id, describedBy: describedBy(id, p.hint, error), invalid: !!error })}
    </Frame>
  );
}

export function Field(p: FieldProps) {
  const value = p.value ?? p.values?.[p.name] ?? '';
  return (
    <FieldFrame name={p.name} label={p.label} hint={p.hint} required={p.required} errors={p.errors}>
      {({ id, describedBy, invalid }) => (
        <input
          id={id}
          name={p.name}
          type={p.type ?? 'text'}
          value={p.type === 'password' ? '' : (value ?? '')}
          required={p.required}
          autocomplete={p.autocomplete}
          inputMode={p.inputMode}
          placeholder={p.placeholder}
          maxLength={p.maxLength}
          autofocus={p.autofocus}
          aria-invalid={invalid ? 'true' : undefined}
          aria-describedby={describedBy}
        />
      )}
    </FieldFrame>
  );
}

/** A multi-line text field: its value from `value`, or from the form's `values` by name. */
export function TextArea(p: {
  name: string;
  label: string;
  value?: string | null | undefined;
  values?: FormValues | undefined;
  errors?: FieldErrors | undefined;
  rows?: number;
  hint?: string | undefined;
  required?: boolean | undefined;
  maxLength?: number;
  id?: string;
  class?: string;
}) {
  return (
    <FieldFrame name={p.name} label={p.label} hint={p.hint} required={p.required} errors={p.errors} id={p.id} class={p.class}>
      {({ id, describedBy, invalid }) => (
        <textarea id={id} name={p.name} rows={p.rows ?? 4} required={p.required} maxLength={p.maxLength} aria-invalid={invalid ? 'true' : undefined} aria-describedby={describedBy}>
          {p.value ?? p.values?.[p.name] ?? ''}
        </textarea>
      )}
    </FieldFrame>
  );
}

export function SelectField(p: Omit<FieldProps, 'type' | 'inputMode' | 'autocomplete' | 'placeholder' | 'maxLength'> & { options: { value: string; label: string }[]; blank?: string }) {
  const value = p.value ?? p.values?.[p.name] ?? '';
  return (
    <FieldFrame name={p.name} label={p.label} hint={p.hint} required={p.required} errors={p.errors}>
      {({ id, describedBy, invalid }) => (
        <select id={id} name={p.name} required={p.required} aria-invalid={invalid ? 'true' : undefined} aria-describedby={describedBy}>
          {p.blank !== undefined ? <option value="">{p.blank}</option> : null}
          {p.options.map((o) => (
            <option key={o.value} value={o.value} selected={o.value === value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </FieldFrame>
  );
}

export function Checkbox(p: { name: string; label: string; checked?: boolean; hint?: string; value?: string }) {
  const id = `f-${p.name}${p.value ? `-${p.value}` : ''}`;
  return (
    <div class="check">
      <input type="checkbox" id={id} name={p.name} value={p.value ?? 'on'} checked={p.checked} />
      <label for={id}>{p.label}</label>
      {p.hint ? <p class="hint">{p.hint}</p> : null}
    </div>
  );
}

export function Flash(props: { message: string | null }) {
  if (!props.message) return null;
  return (
    <p class="flash" role="status">
      {props.message}
    </p>
  );
}

export function Breadcrumbs(props: { items: { href?: string; label: string }[]; label?: string }) {
  if (props.items.length === 0) return null;
  return (
    <nav class="breadcrumbs" aria-label={props.label ?? 'Đường dẫn'}>
      <ol>
        {props.items.map((it, i) => (
          <li key={i}>{it.href && i < props.items.length - 1 ? <a href={it.href}>{it.label}</a> : <span aria-current={i === props.items.length - 1 ? 'page' : undefined}>{it.label}</span>}</li>
        ))}
      </ol>
    </nav>
  );
}

export function Pager(props: { rc: RequestContext; page: number; hasMore: boolean; href: (page: number) => string }) {
  if (props.page <= 1 && !props.hasMore) return null;
  return (
    <nav class="pager" aria-label="Phân trang">
      {props.page > 1 ? (
        <a href={props.href(props.page - 1)} rel="prev">
          ← {props.rc.t.common.previous}
        </a>
      ) : null}
      {props.hasMore ? (
        <a href={props.href(props.page + 1)} rel="next">
          {props.rc.t.common.next} →
        </a>
      ) : null}
    </nav>
  );
}
