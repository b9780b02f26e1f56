// A community's frame: the sidebar (communities, channels with unread badges, the member's
// number, links) and the pane on the right. On a phone, the sidebar is the home screen and each
// pane opens full screen with a back link.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t, tn } from '../i18n';
import { navigate, session } from '../state';
import { ConnectionBanner, TopBar } from '../ui/shell';
import { Link } from '../ui/link';
import { FormError } from '../ui/form';
import { Icon } from '../ui/icons';
import { HostChecklist } from '../host/checklist';
import { ConversationList } from '../conversations/sidebar';
import { load_mutes, muted } from '../broadcast/state';
import { Gone } from '../chat/chat_view';
import { ApiError } from '../api';
import { SearchButton } from '../search/search_view';
import { BellButton } from '../notifications/bell_view';
import { channels_by_slug, communities, is_host, load_community, membership_of } from './state';

export type View = 'home' | 'chat' | 'members' | 'host' | 'newsletters';

export function CommunityLayout(p: { slug: string; view: View; channel_id?: number; children?: ComponentChildren }) {
  const [error, set_error] = useState<unknown>(null);
  const { slug } = p;
  const online = session.connection === 'online';
  useEffect(() => {
    set_error(null);
    load_community(slug).catch(set_error);
    load_mutes(slug, membership_of(slug)?.community.id).catch(() => {});
    localStorage.setItem('ps_last_community', slug);
  }, [slug, online]);

  const community = communities.get(slug);
  const channels = channels_by_slug.get(slug) ?? [];
  const membership = membership_of(slug);
  const host = is_host(slug);
  // Set by the invitation page right after joining: "slug:number".
  const [welcome_slug, welcome] = (sessionStorage.getItem('ps_welcome') ?? ':').split(':');
  const show_welcome = welcome_slug === slug && !!welcome;
  // Not (or no longer) a member: the server says 404. The pane says so, centred, once; the
  // sidebar repeats nothing.
  const gone = !membership && error instanceof ApiError && error.status === 404;

  return (
    <div class={`layout layout--${p.view}`}>
      <TopBar community={{ name: community?.name ?? membership?.community.name ?? slug, slug }}>
        {membership && <SearchButton slug={slug} />}
        <BellButton />
      </TopBar>
      <ConnectionBanner />
      <div class="layout__body">
        <nav class="sidebar" aria-label={t('channels')}>
          <CommunitySwitcher current={slug} />
          <div class="sidebar__community">
            <h2 class="sidebar__name">{community?.name ?? membership?.community.name ?? slug}</h2>
            {membership && <p class="badge-number" data-testid="member-number">{t('member_number', { number: membership.member_number })}</p>}
          </div>
          {show_welcome && membership && (
            <p class="welcome-note" role="status">
              {t('welcome_member', { number: welcome })}
              <button class="btn btn--small btn--ghost" type="button" onClick={() => { sessionStorage.removeItem('ps_welcome'); navigate(location.pathname); }} aria-label={t('close')}><Icon name="close" size={18} /></button>
            </p>
          )}
          {!gone && <FormError error={error} />}
          <h3 class="sidebar__label">{t('channels')}</h3>
          {community && channels.length === 0 && <p class="muted small">{host ? t('no_channels_host') : t('no_channels')}</p>}
          <ul class="channels">
            {channels.map((c) => (
              <li key={c.id}>
                <Link
                  href={`/c/${slug}/ch/${c.id}`}
                  class={'channel' + (c.id === p.channel_id ? ' channel--active' : '') + (c.unread > 0 && !muted.has(c.id) ? ' channel--unread' : '') + (c.archived ? ' channel--archived' : '') + (muted.has(c.id) ? ' channel--muted' : '')}
                  aria-current={c.id === p.channel_id ? 'page' : undefined}
                >
                  <span class="channel__hash" aria-hidden="true">{c.kind === 'board' ? '▤' : c.kind === 'broadcast' ? '📣' : '#'}</span>
                  <span class="channel__name">{c.name}</span>
                  {c.kind === 'board' && <span class="visually-hidden">, {t('board_label')}</span>}
                  {c.kind === 'broadcast' && <span class="visually-hidden">, {t('broadcast_label')}</span>}
                  {c.archived && <span class="channel__tag">{t('archived')}</span>}
                  {muted.has(c.id) && <span class="channel__tag" aria-label={t('muted')}>🔕</span>}
                  {c.unread > 0 && c.id !== p.channel_id && (
                    <span class="unread" aria-label={tn('unread_count', c.unread)} data-testid="unread">{c.unread}</span>
                  )}
                </Link>
              </li>
            ))}
          </ul>
          {membership && <ConversationList slug={slug} current={p.channel_id} />}
          <ul class="sidebar__links">
            <li><Link href={`/c/${slug}/members`} class="navlink" aria-current={p.view === 'members' ? 'page' : undefined}><Icon name="members" /> {t('members')}</Link></li>
            {membership && <li><Link href={`/c/${slug}/newsletters`} class="navlink" aria-current={p.view === 'newsletters' ? 'page' : undefined}><Icon name="mail" /> {host ? t('nl_title') : t('nl_archive_title')}</Link></li>}
            {host && <li><Link href={`/c/${slug}/host`} class="navlink" aria-current={p.view === 'host' ? 'page' : undefined}><Icon name="host" /> {t('host_tools')}</Link></li>}
            <li><Link href="/account" class="navlink"><Icon name="account" /> {t('account')}</Link></li>
          </ul>
        </nav>
        <main id="main" tabIndex={-1} class="pane">
          {gone && p.view !== 'chat' ? (
            <Gone slug={slug} member={false} />
          ) : p.view === 'home' ? (
            <div class="pane__home">
              {host && <HostChecklist slug={slug} />}
              <div class="pane__empty"><p>{t('pick_channel')}</p></div>
            </div>
          ) : p.children}
        </main>
      </div>
    </div>
  );
}

function CommunitySwitcher({ current }: { current: string }) {
  if (session.memberships.length < 2) return (
    <div class="switcher"><Link href="/new" class="navlink small">+ {t('create_community')}</Link></div>
  );
  return (
    <div class="switcher">
      <label class="visually-hidden" for="community-switch">{t('switch_community')}</label>
      <select id="community-switch" value={current} onChange={(e) => navigate(`/c/${(e.currentTarget as HTMLSelectElement).value}`)}>
        {session.memberships.map((m) => (
          <option key={m.community.slug} value={m.community.slug}>{m.community.name}</option>
        ))}
      </select>
      <Link href="/new" class="navlink small" aria-label={t('create_community')}>+</Link>
    </div>
  );
}

/** The header of a pane, with the back link phones need. */
export function PaneHead(p: { slug: string; title: ComponentChildren; sub?: ComponentChildren; children?: ComponentChildren }) {
  return (
    <div class="pane__head">
      <Link href={`/c/${p.slug}`} class="back" aria-label={t('back')}><Icon name="back" size={26} /></Link>
      <div class="pane__title">
        <h1>{p.title}</h1>
        {p.sub && <p class="muted small">{p.sub}</p>}
      </div>
      {p.children}
    </div>
  );
}
