// The host's first steps, on the community home until they are done: describe the community,
// open the first channels, write a welcome message, invite the first people. Each step's "done"
// comes from what the API already says (the description, the channels, their last_seq, the
// invitations and the member count); the host may hide the list (remembered per community).
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import * as api from '../api';
import type { Community, Invitation } from '../api';
import { t, tn } from '../i18n';
import { changed } from '../state';
import { channels_by_slug, communities, membership_of, upsert_channel } from '../communities/state';
import { FOUNDING } from '../members/members';
import { check, copy_text, Field, FormError, Select, submit, use_form } from '../ui/form';
import { Icon } from '../ui/icons';
import { Link } from '../ui/link';
import { Sheet } from '../ui/sheet';
import { show_toast } from '../ui/toast';

const hidden_key = (c: Community) => `ps_guide_hidden:${c.id}`;

/** An invitation that still lets someone in. */
export function is_live(inv: Invitation, now = Date.now()): boolean {
  return !inv.revoked && (inv.expires_at == null || Date.parse(inv.expires_at) > now) && (inv.max_uses == null || inv.uses < inv.max_uses);
}

/** The steps and whether each is done, from the community's data. */
export function guide_steps(c: Community, channels: api.Channel[], invitations: Invitation[] | null) {
  const open = channels.filter((x) => !x.archived);
  return {
    describe: !!c.description?.trim(),
    channels: open.length > 0,
    welcome: channels.some((x) => x.last_seq > 0),
    invite: (invitations?.length ?? 0) > 0 || c.member_count > 1,
  };
}

/**
 * Shares an invitation link: the phone's share sheet (Web Share API) where there is one, else
 * the link copied with a toast. Uses the newest live link, or makes one valid for a week.
 */
export async function share_invitation(slug: string, list: Invitation[] | null, on_new: (inv: Invitation) => void) {
  const community = communities.get(slug);
  let inv = (list ?? []).find((x) => is_live(x));
  if (!inv) {
    inv = (await api.create_invitation(slug, { expires_in_hours: 24 * 7 })).invitation;
    on_new(inv);
  }
  const name = community?.name ?? slug;
  if (typeof navigator.share === 'function') {
    try {
      await navigator.share({ title: name, text: t('share_text', { community: name }), url: inv.url });
      return;
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') return; // the person closed the sheet
      // Refused (not allowed here): copy instead.
    }
  }
  await copy_text(inv.url);
  show_toast(t('invite_link_copied'));
}

export function HostChecklist({ slug }: { slug: string }) {
  const community = communities.get(slug);
  const channels = channels_by_slug.get(slug) ?? [];
  const [invitations, set_invitations] = useState<Invitation[] | null>(null);
  const [hidden, set_hidden] = useState(() => !!community && localStorage.getItem(hidden_key(community)) === '1');
  const [sheet, set_sheet] = useState<'describe' | 'channel' | null>(null);
  const [error, set_error] = useState<unknown>(null);
  const [sharing, set_sharing] = useState(false);
  useEffect(() => {
    api.list_invitations(slug).then((r) => set_invitations(r.invitations), () => set_invitations([]));
  }, [slug]);
  useEffect(() => {
    if (community) set_hidden(localStorage.getItem(hidden_key(community)) === '1');
  }, [community?.id]);

  const done = community && invitations !== null ? guide_steps(community, channels, invitations) : null;
  const left = done ? Object.values(done).filter((x) => !x).length : -1;
  // The last step done while the list was on screen: say so as it goes away.
  const was_left = useRef(left);
  useEffect(() => {
    if (left === 0 && was_left.current > 0 && !hidden) show_toast(t('guide_all_done'));
    was_left.current = left;
  }, [left]);

  if (!community || !done || hidden || left === 0) return null;
  const first_channel = channels.find((x) => !x.archived);
  const number = membership_of(slug)?.member_number ?? 1;

  const share = async () => {
    set_error(null);
    set_sharing(true);
    try {
      await share_invitation(slug, invitations, (inv) => set_invitations((l) => [inv, ...(l ?? [])]));
    } catch (e) {
      set_error(e);
    } finally {
      set_sharing(false);
    }
  };
  const hide = () => {
    localStorage.setItem(hidden_key(community), '1');
    set_hidden(true);
    show_toast(t('guide_hidden'));
  };

  return (
    <section class="card guide" aria-labelledby="guide-h" data-testid="guide">
      <h2 id="guide-h">{t('guide_title')}</h2>
      <p class="muted">{tn('guide_lead', left)}</p>
      <FormError error={error} />
      <ol class="guide__steps">
        <Step id="describe" done={done.describe} title={t('guide_describe')} hint={t('guide_describe_hint')}>
          <button type="button" class="btn" onClick={() => set_sheet('describe')}>{done.describe ? t('edit') : t('guide_describe_action')}</button>
        </Step>
        <Step id="channels" done={done.channels} title={t('guide_channels')} hint={t('guide_channels_hint')}>
          <button type="button" class="btn" onClick={() => set_sheet('channel')}>{t('guide_channels_action')}</button>
        </Step>
        <Step id="welcome" done={done.welcome} title={t('guide_welcome')} hint={first_channel ? t('guide_welcome_hint', { channel: first_channel.name }) : t('guide_welcome_needs_channel')}>
          {first_channel && <Link href={`/c/${slug}/ch/${first_channel.id}`} class="btn">{t('guide_welcome_action')}</Link>}
        </Step>
        <Step id="invite" done={done.invite} title={t('guide_invite')} hint={t('guide_invite_hint')}>
          <button type="button" class="btn btn--primary" disabled={sharing} onClick={() => void share()}>
            <Icon name="share" size={18} /> {t('guide_invite_action')}
          </button>
        </Step>
      </ol>
      <p class="guide__numbers"><Icon name="star" size={16} /> {t('guide_numbers', { number, count: FOUNDING })}</p>
      <button type="button" class="btn btn--link" onClick={hide}>{t('guide_hide')}</button>
      <Sheet open={sheet === 'describe'} title={t('guide_describe')} on_close={() => set_sheet(null)} testid="sheet-describe">
        <DescriptionForm slug={slug} after={() => set_sheet(null)} />
      </Sheet>
      <Sheet open={sheet === 'channel'} title={t('guide_channels')} on_close={() => set_sheet(null)} testid="sheet-channel">
        <NewChannelForm slug={slug} after={() => set_sheet(null)} />
      </Sheet>
    </section>
  );
}

function Step(p: { id: string; done: boolean; title: string; hint: string; children?: ComponentChildren }) {
  return (
    <li class={'guide__step' + (p.done ? ' guide__step--done' : '')} data-step={p.id} data-done={p.done ? '' : undefined}>
      <span class="guide__mark" aria-hidden="true">{p.done && <Icon name="check" size={16} />}</span>
      <div class="guide__text">
        <strong>{p.title}</strong>
        <span class="visually-hidden">{p.done ? ` — ${t('guide_done')}` : ''}</span>
        {!p.done && <p class="muted small">{p.hint}</p>}
      </div>
      {!p.done && p.children}
    </li>
  );
}

/** The community's description: in the checklist's sheet and in the host tools. */
export function DescriptionForm({ slug, after }: { slug: string; after?: () => void }) {
  const community = communities.get(slug);
  const f = use_form({ description: community?.description ?? '' });
  return (
    <form class="form" noValidate ref={f.ref} onSubmit={(e) => {
      e.preventDefault();
      void submit(f, async () => {
        const r = await api.update_community(slug, { description: f.values.description.trim() });
        const c = communities.get(slug);
        communities.set(slug, { ...c, ...r.community, member_count: c?.member_count ?? r.community.member_count });
        changed();
        show_toast(t('description_saved'));
        after?.();
      }, { checks: { description: check.required('description', f.values.description) } });
    }}>
      <FormError error={f.errors['']} />
      <Field label={t('community_description')} name="description" value={f.values.description} onInput={f.set('description')} hint={t('description_hint')} error={f.errors.description} multiline maxLength={2000} />
      <button class="btn btn--primary" type="submit" disabled={f.busy}>{t('save_description')}</button>
    </form>
  );
}

/** A new channel: in the checklist's sheet and in the host tools. */
export function NewChannelForm({ slug, after, inline }: { slug: string; after?: () => void; inline?: boolean }) {
  const f = use_form({ name: '', kind: 'chat' });
  return (
    <form class={'form' + (inline ? ' form--inline' : '')} noValidate ref={f.ref} onSubmit={(e) => {
      e.preventDefault();
      void submit(f, async () => {
        const { channel } = await api.create_channel(slug, f.values.name.trim(), f.values.kind === 'board' || f.values.kind === 'broadcast' ? f.values.kind : 'chat');
        upsert_channel(channel);
        f.set_values({ name: '', kind: f.values.kind });
        show_toast(t('channel_created', { name: channel.name }));
        after?.();
      }, { checks: { name: check.required('name', f.values.name) } });
    }}>
      <FormError error={f.errors['']} />
      <Field label={t('channel_name')} name="channel_name" value={f.values.name} onInput={f.set('name')} hint={inline ? undefined : t('channel_name_hint')} error={f.errors.name} maxLength={80} />
      {inline && <Select label={t('channel_kind')} name="kind" value={f.values.kind} options={[['chat', t('kind_chat')], ['board', t('kind_board')], ['broadcast', t('kind_broadcast')]]} onChange={f.set('kind')} />}
      <button class="btn btn--primary" type="submit" disabled={f.busy}>{t('create_channel')}</button>
    </form>
  );
}
