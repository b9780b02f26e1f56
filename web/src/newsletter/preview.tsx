// The editor's live preview, from the server (POST …/newsletters/preview, 400 ms after the last
// key): the email in a sandboxed frame — its own document, no scripts, no same-origin, so its
// HTML can neither run nor reach the app — and the archive page as members will read it. Side
// by side on a laptop; two tabs on a phone. The frame sends no cookie, so the uploaded
// images are fetched by the app (their preview, with the host's cookie) and put in as data: URLs.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import * as api from '../api';
import { t } from '../i18n';
import { FormError } from '../ui/form';
import { Previewer, file_image_ids, with_image_data, type DraftText, type PreviewState } from './state';

type Tab = 'email' | 'page';

export function PreviewPane({ slug, draft }: { slug: string; draft: DraftText }) {
  const [state, set_state] = useState<PreviewState>({});
  const [tab, set_tab] = useState<Tab>('email');
  const previewer = useMemo(
    () => new Previewer((d, signal) => api.preview_newsletter(slug, { subject: d.subject.trim(), body: d.body, ...(d.preview_text.trim() ? { preview_text: d.preview_text.trim() } : {}) }, signal), set_state),
    [slug],
  );
  useEffect(() => () => previewer.stop(), [previewer]);
  useEffect(() => previewer.set(draft), [previewer, draft.subject, draft.body, draft.preview_text]);
  const p = state.preview;
  const email_html = use_email_images(p?.email.html ?? '');
  const tabs: [Tab, string][] = [['email', t('nl_preview_email')], ['page', t('nl_preview_page')]];
  const on_key = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    e.preventDefault();
    const next: Tab = tab === 'email' ? 'page' : 'email';
    set_tab(next);
    document.getElementById(`nl-tab-${next}`)?.focus();
  };
  return (
    <section class="nl-preview" aria-labelledby="nl-preview-h" data-testid="nl-preview">
      <h2 id="nl-preview-h" class="nl-preview__title">{t('nl_preview')}</h2>
      <div class="nl-tabs" role="tablist" aria-label={t('nl_preview')} onKeyDown={on_key}>
        {tabs.map(([k, label]) => (
          <button key={k} type="button" role="tab" id={`nl-tab-${k}`} class="nl-tab" aria-selected={tab === k} aria-controls={`nl-panel-${k}`} tabIndex={tab === k ? 0 : -1} onClick={() => set_tab(k)}>{label}</button>
        ))}
      </div>
      <FormError error={state.error} />
      {!p && !state.error && <p class="muted" role="status">{draft.subject.trim() || draft.body.trim() ? t('loading') : t('nl_preview_empty')}</p>}
      {p && (
        <div class="nl-preview__panels">
          <div role="tabpanel" id="nl-panel-email" aria-labelledby="nl-tab-email" class="nl-panel" data-active={tab === 'email' ? '' : undefined} data-testid="nl-preview-email">
            <h3 class="nl-panel__title">{t('nl_preview_email')}</h3>
            <p class="nl-inbox"><strong>{p.email.subject}</strong>{draft.preview_text.trim() && <span class="muted"> — {draft.preview_text.trim()}</span>}</p>
            <iframe class="nl-email" sandbox="" srcdoc={email_html} title={t('nl_preview_email_frame')} referrerpolicy="no-referrer" />
          </div>
          <div role="tabpanel" id="nl-panel-page" aria-labelledby="nl-tab-page" class="nl-panel" data-active={tab === 'page' ? '' : undefined} data-testid="nl-preview-page">
            <h3 class="nl-panel__title">{t('nl_preview_page')}</h3>
            {/* Sanitised by the server, as a message's html is (docs/api.md's Markdown rules). */}
            <div class="md nl-page" dangerouslySetInnerHTML={{ __html: p.page.html }} />
          </div>
        </div>
      )}
    </section>
  );
}

/** A file's preview as a data: URL, fetched with the cookie; null when it cannot be had. */
async function image_data(id: number): Promise<string | null> {
  try {
    const res = await fetch(`/api/v1/files/${id}/preview`, { credentials: 'same-origin' });
    if (!res.ok) return null;
    const blob = await res.blob();
    return await new Promise<string | null>((resolve) => {
      const reader = new FileReader();
      reader.onload = () => resolve(typeof reader.result === 'string' ? reader.result : null);
      reader.onerror = () => resolve(null);
      reader.readAsDataURL(blob);
    });
  } catch {
    return null;
  }
}

/**
 * The email's HTML with its uploaded images as data: URLs (each fetched once). A new HTML with
 * images is shown once they are in (the previous one stays until then): setting the frame's
 * srcdoc twice in a row, the raw HTML then the one with images, sometimes left Chromium showing
 * neither image.
 */
function use_email_images(html: string): string {
  const cache = useRef(new Map<number, Promise<string | null>>());
  const [shown, set_shown] = useState(() => (file_image_ids(html, location.origin).length ? '' : html));
  useEffect(() => {
    const origin = location.origin;
    const ids = file_image_ids(html, origin);
    if (!ids.length) {
      set_shown(html);
      return;
    }
    let live = true;
    void Promise.all(ids.map(async (id) => {
      let got = cache.current.get(id);
      if (!got) cache.current.set(id, (got = image_data(id)));
      return [id, await got] as const;
    })).then((pairs) => {
      const urls = new Map<number, string>();
      for (const [id, url] of pairs) {
        if (url) urls.set(id, url);
        else cache.current.delete(id); // asked again with the next preview
      }
      if (live) set_shown(urls.size ? with_image_data(html, origin, urls) : html);
    });
    return () => { live = false; };
  }, [html]);
  return shown;
}
