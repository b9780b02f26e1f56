// Host tools: channels, invitation links, who may invite.
import { useEffect, useRef, useState } from 'preact/hooks';
import { DirectMessagesCard } from '../conversations/settings';
import * as api from '../api';
import type { Invitation, StorageUsage } from '../api';
import { ApiError } from '../api';
import { format_datetime_zoned, format_size, t, tn } from '../i18n';
import { changed } from '../state';
import { channels_by_slug, communities, upsert_channel } from '../communities/state';
import { PaneHead } from '../communities/layout';
import { Checkbox, CopyButton, Field, FormError, Notice, submit, use_form } from '../ui/form';
import { Icon } from '../ui/icons';
import { DescriptionForm, NewChannelForm } from './checklist';
import { newsletter_views } from '../newsletter/lazy';
import { TiersCard } from '../tiers/tiers_card';

export function HostPage({ slug }: { slug: string }) {
  const community = communities.get(slug);
  const nl = newsletter_views();
  return (
    <section class="scroll-pane">
      <PaneHead slug={slug} title={t('host_title')} sub={community?.name} />
      <div class="pane__body">
        <ChannelsCard slug={slug} />
        <InvitationsCard slug={slug} host />
        {community && (
          <section class="card" aria-labelledby="h-describe">
            <h2 id="h-describe">{t('community_description')}</h2>
            <DescriptionForm key={community.id} slug={slug} />
          </section>
        )}
        {community && <SettingsCard slug={slug} />}
        {community && <DirectMessagesCard slug={slug} />}
        {community && nl && <nl.NewsletterCard slug={slug} />}
        {community && <TiersCard slug={slug} />}
        <StorageCard slug={slug} />
        <p class="muted small">{t('remove_members_hint')}</p>
      </div>
    </section>
  );
}

function ChannelsCard({ slug }: { slug: string }) {
  const [error, set_error] = useState<unknown>(null);
  const [renaming, set_renaming] = useState(0);
  const [new_name, set_new_name] = useState('');
  const channels = channels_by_slug.get(slug) ?? [];
  return (
    <section class="card" aria-labelledby="h-channels">
      <h2 id="h-channels">{t('channels')}</h2>
      <FormError error={error} />
      <ul class="rows">
        {channels.map((c) => (
          <li class="row" key={c.id}>
            {renaming === c.id ? (
              <form class="form form--row" noValidate onSubmit={async (e) => {
                e.preventDefault();
                try {
                  const { channel } = await api.update_channel(c.id, { name: new_name.trim() });
                  upsert_channel(channel);
                  set_renaming(0);
                } catch (err) {
                  set_error(err); // the typed name stays in the field
                }
              }}>
                <Field label={t('rename_channel', { name: c.name })} name="rename" value={new_name} onInput={set_new_name} maxLength={80} autofocus />
                <div class="row__actions">
                  <button class="btn btn--small" type="button" onClick={() => set_renaming(0)}>{t('cancel')}</button>
                  <button class="btn btn--small btn--primary" type="submit">{t('save')}</button>
                </div>
              </form>
            ) : (
              <>
                <div class="row__main"><strong># {c.name}</strong>{c.archived && <span class="muted small"> · {t('archived')}</span>}</div>
                <div class="row__actions">
                  <button type="button" class="btn btn--small" aria-label={`${t('rename')} #${c.name}`} onClick={() => { set_new_name(c.name); set_renaming(c.id); }}>{t('rename')}</button>
                  <button type="button" class="btn btn--small" aria-label={`${c.archived ? t('unarchive') : t('archive')} #${c.name}`} onClick={async () => {
                    try {
                      const { channel } = await api.update_channel(c.id, { archived: !c.archived });
                      upsert_channel(channel);
                    } catch (err) {
                      set_error(err);
                    }
                  }}>
                    {c.archived ? t('unarchive') : t('archive')}
                  </button>
                </div>
              </>
            )}
          </li>
        ))}
      </ul>
      <NewChannelForm slug={slug} inline />
    </section>
  );
}

/** Invitation links; members see it too when the hosts let members invite (no private note then). */
export function InvitationsCard({ slug, host = true }: { slug: string; host?: boolean }) {
  const [list, set_list] = useState<Invitation[] | null>(null);
  const [error, set_error] = useState<unknown>(null);
  const f = use_form({ max_uses: '', expires_in_hours: '', note: '' });
  useEffect(() => {
    api.list_invitations(slug).then((r) => set_list(r.invitations), set_error);
  }, [slug]);
  const tz = communities.get(slug)?.timezone;
  const now = Date.now();
  // The link just made: brought into view, highlighted, its address selected for copying.
  const [fresh, set_fresh] = useState('');
  const fresh_el = useRef<HTMLLIElement>(null);
  useEffect(() => {
    if (!fresh || !fresh_el.current) return;
    fresh_el.current.scrollIntoView({ block: 'center', behavior: matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth' });
    fresh_el.current.querySelector('input')?.focus({ preventScroll: true });
  }, [fresh]);

  return (
    <section class="card" aria-labelledby="h-inv">
      <h2 id="h-inv">{t('invitations')}</h2>
      <FormError error={error} />
      {host && <LocalAddressWarning urls={(list ?? []).map((x) => x.url)} />}
      <form class="form" noValidate onSubmit={(e) => {
        e.preventDefault();
        void submit(f, async () => {
          const v = f.values;
          const { invitation } = await api.create_invitation(slug, {
            ...(v.max_uses ? { max_uses: Number(v.max_uses) } : {}),
            ...(v.expires_in_hours ? { expires_in_hours: Number(v.expires_in_hours) } : {}),
            ...(v.note.trim() ? { note: v.note.trim() } : {}),
          });
          set_list((l) => [invitation, ...(l ?? [])]);
          set_fresh(invitation.code);
          f.set_values({ max_uses: '', expires_in_hours: '', note: '' });
        });
      }}>
        <h3>{t('new_invitation')}</h3>
        <FormError error={f.errors['']} />
        <div class="grid2">
          <Field label={t('max_uses')} name="max_uses" type="number" min={1} max={100000} value={f.values.max_uses} onInput={f.set('max_uses')} error={f.errors.max_uses} optional />
          <Field label={t('expires_in_hours')} name="expires_in_hours" type="number" min={1} max={8760} value={f.values.expires_in_hours} onInput={f.set('expires_in_hours')} error={f.errors.expires_in_hours} optional />
        </div>
        {host && <Field label={t('note')} name="note" value={f.values.note} onInput={f.set('note')} hint={t('note_hint')} error={f.errors.note} optional maxLength={500} />}
        <button class="btn btn--primary" type="submit" disabled={f.busy}>{t('create_invitation')}</button>
      </form>
      {list && list.length === 0 && <p class="muted">{t('no_invitations')}</p>}
      <ul class="invitations">
        {(list ?? []).map((inv) => {
          const expired = inv.expires_at != null && Date.parse(inv.expires_at) < now;
          const dead = inv.revoked || expired;
          return (
            <li class={'invitation' + (dead ? ' invitation--dead' : '') + (inv.code === fresh ? ' invitation--fresh' : '')} key={inv.code} data-code={inv.code} ref={inv.code === fresh ? fresh_el : undefined} data-fresh={inv.code === fresh ? '' : undefined}>
              <div class="invitation__url">
                <label class="visually-hidden" for={`inv-${inv.code}`}>{t('invitation_link')}</label>
                <input id={`inv-${inv.code}`} readOnly value={inv.url} onFocus={(e) => (e.currentTarget as HTMLInputElement).select()} data-testid="invitation-url" />
                {!dead && <CopyButton text={inv.url} label={`${t('copy')} — ${t('invitation_link')}`} />}
              </div>
              <p class="muted small">
                {inv.max_uses != null ? tn('invite_uses', inv.uses, { max: inv.max_uses }) : tn('invite_uses_unlimited', inv.uses)}
                {' · '}
                {inv.revoked ? t('revoked') : expired ? t('expired') : inv.expires_at ? <span data-testid="invitation-expires">{t('invite_expires', { date: format_datetime_zoned(inv.expires_at, tz) })}</span> : t('never_expires')}
                {inv.note && <> · <em>{inv.note}</em></>}
              </p>
              {!dead && (
                <button type="button" class="btn btn--small btn--danger" onClick={async () => {
                  try {
                    await api.revoke_invitation(inv.code);
                    set_list((l) => (l ?? []).map((x) => (x.code === inv.code ? { ...x, revoked: true } : x)));
                  } catch (e) {
                    set_error(e);
                  }
                }}>
                  {t('revoke')}
                </button>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** Whether an address only works on the server's own machine. */
export function is_local_address(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host.endsWith('.localhost') || /^127\./.test(host) || host === '::1' || host === '0.0.0.0';
  } catch {
    return false;
  }
}

/**
 * The invitation links start with the server's public URL (docs/operations.md: `public_url`,
 * `--public-url`). Still on localhost, they work for nobody else: say so, and how to set it.
 * Before any link exists, the page's own address tells (the server refuses changes from any
 * other origin than its public URL's).
 */
function LocalAddressWarning({ urls }: { urls: string[] }) {
  const address = urls[0] ? new URL(urls[0]).origin : location.origin;
  if (!is_local_address(address)) return null;
  return (
    <div class="warning" role="note" data-testid="local-address">
      <Icon name="warning" />
      <div>
        <p><strong>{t('local_address_title', { address })}</strong></p>
        <p>{t('local_address_body')}</p>
        <p><code>--public-url https://salle.example.com</code> · <code>public_url = "https://salle.example.com"</code></p>
      </div>
    </div>
  );
}

function SettingsCard({ slug }: { slug: string }) {
  const community = communities.get(slug)!;
  const [quota, set_quota] = useState(String(community.member_invite_quota ?? 5));
  const [error, set_error] = useState<unknown>(null);
  const [saved, set_saved] = useState(false);
  // The box shows the host's choice at once, until the server's answer: a render in between (an
  // event, a resync) would otherwise put the old value back under their finger.
  const [can_invite, set_can_invite] = useState<boolean | null>(null);
  const save = async (b: { members_can_invite?: boolean; member_invite_quota?: number }) => {
    set_error(null);
    set_saved(false);
    try {
      const r = await api.update_community(slug, b);
      communities.set(slug, { ...community, ...r.community });
      changed();
      set_saved(true);
    } catch (e) {
      set_error(e);
    } finally {
      set_can_invite(null);
    }
  };
  return (
    <section class="card" aria-labelledby="h-settings">
      <h2 id="h-settings">{t('settings')}</h2>
      <FormError error={error} />
      <Checkbox name="members_can_invite" label={t('members_can_invite')} checked={can_invite ?? community.members_can_invite} onChange={(v) => { set_can_invite(v); void save({ members_can_invite: v }); }} />
      {community.members_can_invite && (
        <form class="form form--inline" noValidate onSubmit={(e) => { e.preventDefault(); void save({ member_invite_quota: Number(quota) }); }}>
          <Field label={t('member_invite_quota')} name="member_invite_quota" type="number" min={0} max={1000} value={quota} onInput={set_quota} />
          <button class="btn" type="submit">{t('save')}</button>
        </form>
      )}
      {saved && <Notice>{t('saved')}</Notice>}
    </section>
  );
}

/** Almost full from this share of the limit on: the host is told before members are refused. */
const ALMOST_FULL = 0.9;

/** What the community's photos and files take, and of how much (issue 13). */
function StorageCard({ slug }: { slug: string }) {
  const [usage, set_usage] = useState<StorageUsage | null>(null);
  const [error, set_error] = useState<unknown>(null);
  useEffect(() => {
    set_usage(null);
    set_error(null);
    api.files_usage(slug).then((r) => set_usage(r.usage), set_error);
  }, [slug]);
  // A server without files (404 for the route) has nothing to tell here.
  if (error instanceof ApiError && error.status === 404) return null;
  const used = usage ? format_size(usage.used_bytes) : '';
  const limit = usage?.limit_bytes ?? null;
  const share = usage && limit ? usage.used_bytes / limit : 0;
  return (
    <section class="card" aria-labelledby="h-storage" data-testid="storage">
      <h2 id="h-storage">{t('storage_title')}</h2>
      <FormError error={error} />
      {!usage && !error && <p class="loading" role="status">{t('loading')}</p>}
      {usage && (
        <>
          <p class="storage__line">
            <strong>{limit ? t('storage_used_of', { used, limit: format_size(limit) }) : t('storage_used', { used })}</strong>
            {' · '}
            <span class="muted">{tn('storage_files', usage.files)}</span>
          </p>
          {limit && (
            <meter class="storage__meter" min={0} max={limit} value={usage.used_bytes} low={limit * 0.75} high={limit * ALMOST_FULL} optimum={0}
              aria-label={t('storage_used_of', { used, limit: format_size(limit) })} />
          )}
          {share >= ALMOST_FULL && <p class="warning" role="status"><Icon name="warning" /><span>{t('storage_almost_full')}</span></p>}
          <p class="muted small">{t('storage_hint')}</p>
        </>
      )}
    </section>
  );
}
