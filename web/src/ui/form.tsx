// Shared form pieces: every control has a visible label, and an error sits right under its field.
import type { ComponentChildren } from 'preact';
import { useId, useRef, useState } from 'preact/hooks';
import { error_field, error_text, problem_of, problem_text, t, type Problem } from '../i18n';

interface FieldProps {
  label: string;
  name: string;
  value: string;
  onInput: (v: string) => void;
  type?: string;
  hint?: string;
  /** Worded when shown, so it follows the language. */
  error?: Problem;
  required?: boolean;
  autocomplete?: string;
  optional?: boolean;
  min?: number;
  max?: number;
  maxLength?: number;
  multiline?: boolean;
  autofocus?: boolean;
}

export function Field(p: FieldProps) {
  const id = useId();
  const hint_id = p.hint ? id + '-hint' : undefined;
  const err_id = p.error ? id + '-err' : undefined;
  const described = [hint_id, err_id].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    name: p.name,
    value: p.value,
    required: p.required,
    autoComplete: p.autocomplete,
    autoFocus: p.autofocus,
    maxLength: p.maxLength,
    'aria-invalid': p.error ? true : undefined,
    'aria-describedby': described,
    onInput: (e: Event) => p.onInput((e.currentTarget as HTMLInputElement).value),
  };
  return (
    <div class={'field' + (p.error ? ' field--error' : '')}>
      <label for={id}>
        {p.label}
        {p.optional && <span class="field__optional"> ({t('optional')})</span>}
      </label>
      {p.multiline ? <textarea rows={3} {...common} /> : <input type={(p.type ?? 'text') as 'text'} min={p.min} max={p.max} {...common} />}
      {p.hint && <p class="field__hint" id={hint_id}>{p.hint}</p>}
      {p.error && <p class="field__error" id={err_id}>{problem_text(p.error)}</p>}
    </div>
  );
}

export function Checkbox(p: { label: string; checked: boolean; onChange: (v: boolean) => void; name: string }) {
  const id = useId();
  return (
    <div class="check">
      <input id={id} type="checkbox" name={p.name} checked={p.checked} onChange={(e) => p.onChange((e.currentTarget as HTMLInputElement).checked)} />
      <label for={id}>{p.label}</label>
    </div>
  );
}

export function Select(p: { label: string; name: string; value: string; options: [string, string][]; onChange: (v: string) => void; error?: Problem }) {
  const id = useId();
  return (
    <div class={'field' + (p.error ? ' field--error' : '')}>
      <label for={id}>{p.label}</label>
      <select id={id} name={p.name} value={p.value} aria-invalid={p.error ? true : undefined} aria-describedby={p.error ? id + '-err' : undefined} onChange={(e) => p.onChange((e.currentTarget as HTMLSelectElement).value)}>
        {p.options.map(([v, l]) => (
          <option value={v} key={v}>{l}</option>
        ))}
      </select>
      {p.error && <p class="field__error" id={id + '-err'}>{problem_text(p.error)}</p>}
    </div>
  );
}

/** A failure above a form or a list: a Problem, an ApiError or any error, worded when shown. */
export function FormError({ error }: { error?: unknown }) {
  if (!error) return null;
  return <p class="form-error" role="alert">{typeof error === 'string' ? error : error_text(error)}</p>;
}

export function Notice({ children }: { children: ComponentChildren }) {
  return <p class="notice" role="status">{children}</p>;
}

/** Puts text on the clipboard. */
export async function copy_text(text: string) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Clipboard refused (insecure origin): select a hidden field and fall back to execCommand.
    const ta = document.createElement('textarea');
    ta.value = text;
    document.body.appendChild(ta);
    ta.select();
    document.execCommand('copy');
    ta.remove();
  }
}

/** A copy-to-clipboard button that says "Copied!" for a moment. */
export function CopyButton({ text, label }: { text: string; label?: string }) {
  const [done, set_done] = useState(false);
  const copy = async () => {
    await copy_text(text);
    set_done(true);
    setTimeout(() => set_done(false), 1500);
  };
  return (
    <button type="button" class="btn btn--small" onClick={copy} aria-label={label}>
      <span aria-live="polite">{done ? t('copied') : t('copy')}</span>
    </button>
  );
}

/** Keeps form values and errors together; errors are keyed by field name, '' for the form. */
export function use_form<T extends Record<string, string>>(initial: T) {
  const [values, set_values] = useState<T>(initial);
  const [errors, set_errors] = useState<Record<string, Problem>>({});
  const [busy, set_busy] = useState(false);
  const ref = useRef<HTMLFormElement>(null);
  const set = (k: keyof T) => (v: string) => set_values((old) => ({ ...old, [k]: v }));
  return { values, set, set_values, errors, set_errors, busy, set_busy, ref };
}

type FormLike = { values?: Record<string, string>; set_busy: (b: boolean) => void; set_errors: (e: Record<string, Problem>) => void; ref?: { current: HTMLFormElement | null } };

/** The checks a form makes before sending: the fields at fault, every one at once. */
export type Checks = Record<string, Problem | null | false | undefined>;

/** The usual checks: a field left empty, and the length rules of docs/api.md. */
export const check = {
  required: (field: string, v: string): Problem | null => (v.trim() ? null : { code: 'required', field }),
  email: (v: string): Problem | null => (!v.trim() ? { code: 'required', field: 'email' } : /^[^\s@]+@[^\s@]+$/.test(v.trim()) ? null : { code: 'invalid_field', field: 'email' }),
  password: (field: string, v: string): Problem | null => (!v ? { code: 'required', field } : [...v].length < 10 ? { code: 'invalid_field', field } : null),
};

/** Puts the focus on the first field at fault, once the errors are on screen. */
function focus_first_error(form: FormLike) {
  setTimeout(() => form.ref?.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(), 0);
}

/**
 * Runs a submit: the checks first (every field at fault flagged at once), then `fn`; the
 * server's refusal goes next to its field (or above the form); typed values are kept; the focus
 * goes to the first field at fault. Errors are kept as Problems and worded when shown.
 */
export async function submit(form: FormLike, fn: () => Promise<void>, opts: { checks?: Checks; problem?: (e: unknown) => Problem } = {}) {
  const found = Object.entries(opts.checks ?? {}).filter((x): x is [string, Problem] => !!x[1]);
  if (found.length) {
    form.set_errors(Object.fromEntries(found));
    focus_first_error(form);
    return;
  }
  form.set_busy(true);
  form.set_errors({});
  try {
    await fn();
  } catch (e) {
    const p = (opts.problem ?? problem_of)(e);
    // Next to its field when the form has one by that name; else above the form, never lost.
    const at = error_field(p);
    const field = at && (!form.values || at in form.values) ? at : undefined;
    form.set_errors(field ? { [field]: p } : { '': p });
    if (field) focus_first_error(form);
  } finally {
    form.set_busy(false);
  }
}
