// The directory: member numbers, roles, who invited whom; the founding members marked.
import { useEffect, useState } from 'preact/hooks';
import * as api from '../api';
import type { Member } from '../api';
import { error_text, format_date, t } from '../i18n';
import { session } from '../state';
import { communities, is_host, load_members, members_by_slug, membership_of } from '../communities/state';
import { PaneHead } from '../communities/layout';
import { FormError } from '../ui/form';
import { hue, initials } from '../ui/shell';
import { InvitationsCard } from '../host/host';

/** Numbers 1 to FOUNDING are the founding cohort. */
export const FOUNDING = 10;

export function MembersPage({ slug }: { slug: string }) {
  const [error, set_error] = useState('');
  useEffect(() => {
    load_members(slug).catch((e) => set_error(error_text(e)));
  }, [slug]);
  const members = members_by_slug.get(slug) ?? [];
  const host = is_host(slug);
  const owner = membership_of(slug)?.role === 'owner';
  const tz = communities.get(slug)?.timezone;
  const name_of = (id: number | null) => members.find((m) => m.account_id === id)?.display_name;

  const remove = async (m: Member) => {
    if (!confirm(t('remove_confirm', { name: m.display_name }))) return;
    try {
      await api.remove_member(slug, m.account_id);
      members_by_slug.set(slug, members.filter((x) => x.account_id !== m.account_id));
      await load_members(slug);
    } catch (e) {
      set_error(error_text(e));
    }
  };
  const set_role = async (m: Member, role: 'host' | 'member') => {
    try {
      await api.set_member_role(slug, m.account_id, role);
      await load_members(slug);
    } catch (e) {
      set_error(error_text(e));
    }
  };

  return (
    <section class="scroll-pane">
      <PaneHead slug={slug} title={t('members_title')} sub={t('members_count', { count: communities.get(slug)?.member_count ?? members.length })} />
      <div class="pane__body">
        <FormError error={error} />
        {!host && communities.get(slug)?.members_can_invite && <InvitationsCard slug={slug} host={false} />}
        <p class="muted small">{t('founding_members_note', { count: FOUNDING })}</p>
        <ul class="members">
          {members.map((m) => {
            const founding = m.member_number <= FOUNDING;
            const inviter = name_of(m.invited_by);
            return (
              <li class="member" key={m.account_id} data-number={m.member_number}>
                <span class="avatar" style={{ '--h': hue(m.account_id) } as any} aria-hidden="true">{initials(m.display_name)}</span>
                <div class="member__main">
                  <div class="member__line">
                    <strong>{m.display_name}</strong>
                    <span class="number">{t('member_number', { number: m.member_number })}</span>
                    {founding && <span class="tag tag--founding" title={t('founding_member')}>★ {t('founding_member')}</span>}
                    {m.role !== 'member' && <span class="tag">{m.role === 'owner' ? t('role_owner') : t('role_host')}</span>}
                  </div>
                  <p class="muted small">
                    {inviter && <>{t('invited_by', { name: inviter })} · </>}
                    {t('joined_on', { date: format_date(m.joined_at, tz) })}
                  </p>
                </div>
                {host && m.role !== 'owner' && m.account_id !== session.me?.id && (
                  <div class="member__actions">
                    {owner && (
                      <button type="button" class="btn btn--small" onClick={() => void set_role(m, m.role === 'host' ? 'member' : 'host')}>
                        {m.role === 'host' ? t('make_member') : t('make_host')}
                      </button>
                    )}
                    <button type="button" class="btn btn--small btn--danger" onClick={() => void remove(m)}>
                      {t('remove_member', { name: m.display_name })}
                    </button>
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      </div>
    </section>
  );
}
