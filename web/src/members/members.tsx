// The directory: member numbers, roles, who invited whom; the founding members marked. Hosts
// also see the people removed, and let them back in.
import { useEffect, useState } from 'preact/hooks';
import * as api from '../api';
import type { Member, Removal } from '../api';
import { format_date, t, tn } from '../i18n';
import { session } from '../state';
import { communities, is_host, load_members, members_by_slug, membership_of } from '../communities/state';
import { PaneHead } from '../communities/layout';
import { FormError, Notice } from '../ui/form';
import { hue, initials } from '../ui/shell';
import { InvitationsCard } from '../host/host';
import { ask_confirm } from '../ui/confirm';
import { show_toast } from '../ui/toast';
import { Icon } from '../ui/icons';
import { CommunityTiers, MemberTiersSheet, TierBadges } from '../tiers/member_tiers';
import { member_grants, my_tiers_by_slug } from '../tiers/state';

/** Numbers 1 to FOUNDING are the founding cohort. */
export const FOUNDING = 10;

export function MembersPage({ slug }: { slug: string }) {
  const [error, set_error] = useState<unknown>(null);
  // Bumped by a removal, so that the hosts' list of removed people loads again.
  const [removals, set_removals] = useState(0);
  // The member whose tiers a host is giving, in a sheet.
  const [tiers_of, set_tiers_of] = useState<Member | null>(null);
  useEffect(() => {
    load_members(slug).catch(set_error);
  }, [slug]);
  const members = members_by_slug.get(slug) ?? [];
  const host = is_host(slug);
  const owner = membership_of(slug)?.role === 'owner';
  const tz = communities.get(slug)?.timezone;
  const name_of = (id: number | null) => members.find((m) => m.account_id === id)?.display_name;

  const remove = async (m: Member) => {
    if (!(await ask_confirm({ title: t('remove_confirm_title', { name: m.display_name }), body: t('remove_confirm'), confirm: t('remove'), danger: true }))) return;
    try {
      await api.remove_member(slug, m.account_id);
      members_by_slug.set(slug, members.filter((x) => x.account_id !== m.account_id));
      set_removals((n) => n + 1);
      show_toast(t('removed_done', { name: m.display_name }));
      await load_members(slug);
    } catch (e) {
      set_error(e);
    }
  };
  const set_role = async (m: Member, role: 'host' | 'member') => {
    try {
      await api.set_member_role(slug, m.account_id, role);
      show_toast(t(role === 'host' ? 'made_host_done' : 'made_member_done', { name: m.display_name }));
      await load_members(slug);
    } catch (e) {
      set_error(e);
    }
  };

  return (
    <section class="scroll-pane">
      <PaneHead slug={slug} title={t('members_title')} sub={tn('members_count', communities.get(slug)?.member_count ?? members.length)} />
      <div class="pane__body">
        <FormError error={error} />
        {!host && communities.get(slug)?.members_can_invite && <InvitationsCard slug={slug} host={false} />}
        <CommunityTiers slug={slug} />
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
                    {founding && <span class="tag tag--founding" title={t('founding_member')}><Icon name="star" size={14} /> {t('founding_member')}</span>}
                    {m.role !== 'member' && <span class="tag">{m.role === 'owner' ? t('role_owner') : t('role_host')}</span>}
                    <TierBadges slug={slug} grants={m.account_id === session.me?.id ? my_tiers_by_slug.get(slug) : member_grants(slug, m.account_id)} />
                  </div>
                  <p class="muted small">
                    {inviter && <>{t('invited_by', { name: inviter })} · </>}
                    {t('joined_on', { date: format_date(m.joined_at, tz) })}
                  </p>
                </div>
                {host && (
                  <div class="member__actions">
                    <button type="button" class="btn btn--small" aria-label={t('member_tiers_label', { name: m.display_name })} onClick={() => set_tiers_of(m)}>
                      {t('member_tiers_button')}
                    </button>
                    {m.role !== 'owner' && m.account_id !== session.me?.id && (
                      <>
                    {owner && (
                      <button type="button" class="btn btn--small" onClick={() => void set_role(m, m.role === 'host' ? 'member' : 'host')}>
                        {m.role === 'host' ? t('make_member') : t('make_host')}
                      </button>
                    )}
                    <button type="button" class="btn btn--small btn--danger" onClick={() => void remove(m)}>
                      {t('remove_member', { name: m.display_name })}
                    </button>
                      </>
                    )}
                  </div>
                )}
              </li>
            );
          })}
        </ul>
        {host && <RemovedCard slug={slug} reload={removals} />}
        {host && <MemberTiersSheet slug={slug} member={tiers_of} on_close={() => set_tiers_of(null)} />}
      </div>
    </section>
  );
}

/** The people hosts removed, who may not rejoin by any link until a host lets them back in. */
function RemovedCard({ slug, reload }: { slug: string; reload: number }) {
  const [list, set_list] = useState<Removal[] | null>(null);
  const [error, set_error] = useState<unknown>(null);
  const [done, set_done] = useState('');
  const owner = membership_of(slug)?.role === 'owner';
  const tz = communities.get(slug)?.timezone;
  useEffect(() => {
    api.list_removed(slug).then((r) => set_list(r.removed), set_error);
  }, [slug, reload]);

  const let_back = async (r: Removal) => {
    if (!(await ask_confirm({ title: t('let_back_in_title', { name: r.display_name }), body: t('let_back_in_confirm'), confirm: t('let_back_in_short') }))) return;
    set_error(null);
    set_done('');
    try {
      await api.let_back_in(slug, r.account_id);
      set_list((l) => (l ?? []).filter((x) => x.account_id !== r.account_id));
      set_done(t('let_back_in_done', { name: r.display_name }));
    } catch (e) {
      set_error(e);
    }
  };

  return (
    <section class="card removed" aria-labelledby="h-removed">
      <h2 id="h-removed">{t('removed_title')}</h2>
      <p class="muted small">{t('removed_hint')}</p>
      <FormError error={error} />
      {done && <Notice>{done}</Notice>}
      {list && list.length === 0 && <p class="muted">{t('no_removed')}</p>}
      <ul class="members">
        {(list ?? []).map((r) => (
          <li class="member" key={r.account_id} data-removed={r.account_id}>
            <span class="avatar" style={{ '--h': hue(r.account_id) } as any} aria-hidden="true">{initials(r.display_name)}</span>
            <div class="member__main">
              <div class="member__line">
                <strong>{r.display_name}</strong>
                <span class="number">{t('was_number', { number: r.member_number })}</span>
                {r.role === 'host' && <span class="tag">{t('role_host')}</span>}
              </div>
              <p class="muted small">{t('removed_by', { name: r.removed_by.display_name, date: format_date(r.removed_at, tz) })}</p>
            </div>
            {(r.role !== 'host' || owner) && (
              <div class="member__actions">
                <button type="button" class="btn btn--small" onClick={() => void let_back(r)}>
                  {t('let_back_in', { name: r.display_name })}
                </button>
              </div>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
