// Shared form pieces: every control has a visible label, and an error sits right under its field.
import type { ComponentChildren } from 'preact';
import { useId, useState } from 'preact/hooks';
import { error_field, error_text, t } from '../i18n';

interface FieldProps {
  label: string;
  name: string;
  value: string;
  onInput: (v: string) => void;
  type?: string;
  hint?: string;
  error?: string;
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
      {p.error && <p class="field__error" id={err_id} role="alert">{p.error}</p>}
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

export function Select(p: { label: string; name: string; value: string; options: [string, string][]; onChange: (v: string) => void }) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{p.label}</label>
      <select id={id} name={p.name} value={p.value} onChange={(e) => p.onChange((e.currentTarget as HTMLSelectElement).value)}>
        {p.options.map(([v, l]) => (
          <option value={v} key={v}>{l}</option>
        ))}
      </select>
    </div>
  );
}

export function FormError({ error }: { error?: string }) {
  if (!error) return null;
  return <p class="form-error" role="alert">{error}</p>;
}

export function Notice({ children }: { children: ComponentChildren }) {
  return <p class="notice" role="status">{children}</p>;
}

/** A copy-to-clipboard button that says "Copied!" for a moment. */
export function CopyButton({ text, label }: { text: string; label?: string }) {
  const [done, set_done] = useState(false);
  const copy = async () => {
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
  const [errors, set_errors] = useState<Record<string, string>>({});
  const [busy, set_busy] = useState(false);
  const set = (k: keyof T) => (v: string) => set_values((old) => ({ ...old, [k]: v }));
  return { values, set, set_values, errors, set_errors, busy, set_busy };
}

type FormLike = { set_busy: (b: boolean) => void; set_errors: (e: Record<string, string>) => void };

/** Runs a submit: errors go next to their field (or above the form); typed values are kept. */
export async function submit(form: FormLike, fn: () => Promise<void>, text: (e: unknown) => string = error_text) {
  form.set_busy(true);
  form.set_errors({});
  try {
    await fn();
  } catch (e) {
    const field = error_field(e);
    form.set_errors(field ? { [field]: text(e) } : { '': text(e) });
  } finally {
    form.set_busy(false);
  }
}
