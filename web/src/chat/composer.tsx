// The message box: Enter sends, Shift+Enter adds a line. Drafts are kept per channel and thread.
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n';
import { send } from './state';

const drafts = new Map<string, string>();

export function Composer(p: { channel_id: number; parent_id?: number; placeholder: string; disabled?: boolean }) {
  const key = `${p.channel_id}:${p.parent_id ?? 0}`;
  const [text, set_text] = useState(drafts.get(key) ?? '');
  const ref = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    set_text(drafts.get(key) ?? '');
    // With a keyboard and a mouse, opening a channel or thread puts the cursor in the box;
    // on a phone it would pop the keyboard over the history, so not there.
    if (matchMedia('(pointer: fine)').matches) ref.current?.focus();
  }, [key]);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = Math.min(el.scrollHeight, 200) + 'px';
  }, [text]);

  const go = () => {
    const body = text.trim();
    if (!body) return;
    send(p.channel_id, body, p.parent_id ?? null);
    drafts.delete(key);
    set_text('');
    ref.current?.focus();
  };
  const id = `composer-${key.replace(':', '-')}`;
  return (
    <form class="composer" onSubmit={(e) => { e.preventDefault(); go(); }}>
      <label for={id} class="visually-hidden">{t('message_label')}</label>
      <textarea
        ref={ref}
        id={id}
        rows={1}
        value={text}
        placeholder={p.placeholder}
        disabled={p.disabled}
        maxLength={4000}
        aria-describedby={id + '-hint'}
        onInput={(e) => {
          const v = (e.currentTarget as HTMLTextAreaElement).value;
          set_text(v);
          drafts.set(key, v);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            go();
          }
        }}
      />
      <button type="submit" class="btn btn--primary composer__send" disabled={p.disabled || !text.trim()} aria-label={t('send')}>
        <span aria-hidden="true">➤</span>
      </button>
      <p id={id + '-hint'} class="visually-hidden">{t('composer_hint')}</p>
    </form>
  );
}
