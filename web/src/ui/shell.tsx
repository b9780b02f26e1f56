// The frame around every screen: a top bar with the language switch, the connection banner,
// and one <main>.
import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';
import { locale, t } from '../i18n';
import { session } from '../state';
import { change_locale } from '../accounts/session';
import { Link } from './link';

export function LanguageSwitch() {
  const id = useId();
  return (
    <div class="lang">
      <label for={id} class="visually-hidden">{t('language')}</label>
      <select id={id} value={locale()} onChange={(e) => change_locale((e.currentTarget as HTMLSelectElement).value as 'fr' | 'en')}>
        <option value="fr" lang="fr">Français</option>
        <option value="en" lang="en">English</option>
      </select>
    </div>
  );
}

export function ConnectionBanner() {
  if (!session.me) return null;
  if (session.connection === 'online') return null;
  const offline = session.connection === 'offline';
  return (
    <div class={'conn' + (offline ? ' conn--offline' : '')} role="status" data-testid="connection">
      <span class="conn__dot" aria-hidden="true" />
      {offline ? t('offline') : t('reconnecting')}
    </div>
  );
}

/**
 * The bar atop every screen. Inside a community, the community leads it (its name, and its logo
 * once files exist), not the product: it is her place.
 */
export function TopBar({ children, community }: { children?: ComponentChildren; community?: { name: string; slug: string } }) {
  return (
    <header class="topbar">
      <a class="skip" href="#main">{t('skip_to_content')}</a>
      {community ? (
        <Link href={`/c/${community.slug}`} class="brand brand--community">
          <span class="brand__mark" aria-hidden="true">{initials(community.name)}</span>
          <span class="brand__name" data-testid="topbar-community">{community.name}</span>
        </Link>
      ) : (
        <Link href="/" class="brand">
          <img src="/icon.svg" alt="" width={28} height={28} />
          <span>{t('app_name')}</span>
        </Link>
      )}
      <div class="topbar__end">
        {children}
        <LanguageSwitch />
        {session.me && (
          <Link href="/account" class="topbar__account">
            <span class="avatar avatar--small" aria-hidden="true">{initials(session.me.display_name)}</span>
            <span class="visually-hidden">{t('account')}</span>
          </Link>
        )}
      </div>
    </header>
  );
}

/** A simple page: top bar, then centered content. */
export function Page({ children, narrow }: { children: ComponentChildren; narrow?: boolean }) {
  return (
    <div class="page">
      <TopBar />
      <ConnectionBanner />
      <main id="main" tabIndex={-1} class={'page__main' + (narrow ? ' page__main--narrow' : '')}>{children}</main>
    </div>
  );
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const s = (parts[0]?.[0] ?? '?') + (parts.length > 1 ? parts[parts.length - 1][0] : '');
  return s.toUpperCase();
}

/** A stable warm hue per person, so faces are easy to tell apart. */
export function hue(id: number): number {
  return [28, 12, 340, 200, 160, 265, 45, 100][id % 8];
}
