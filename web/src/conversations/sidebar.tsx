// The sidebar's private messages: the caller's conversations, the latest first, with unread
// badges, and the sheet that starts one (one person: their direct conversation; several: a
// group). Also the sheet that adds people to a group, and leaving one.
import { useEffect, useState } from 'preact/hooks';
import * as api from '../api';
import { t, tn } from '../i18n';
import { navigate, session } from '../state';
import { load_members, members_by_slug } from '../communities/state';
import { Checkbox, Field, FormError } from '../ui/form';
import { Link } from '../ui/link';
import { Sheet } from '../ui/sheet';
import { show_toast } from '../ui/toast';
import { ask_confirm } from '../ui/confirm';
import './conversations.css';
import { KnownOnlyChoice } from './settings';
import { conversations_by_slug, leave_locally, load_conversations, room_label, upsert_conversation } from './state';

export function ConversationList({ slug, current }: { slug: string; current?: number }) {
  const [open, set_open] = useState(false);
  const online = session.connection === 'online';
  useEffect(() => {
    load_conversations(slug).catch(() => {});
  }, [slug, online]);
  const list = conversations_by_slug.get(slug) ?? [];
  return (
    <>
      <div class="sidebar__label-row">
        <h3 class="sidebar__label" id="dm-label">{t('conversations')}</h3>
        <button type="button" class="btn btn--small btn--ghost" onClick={() => set_open(true)}>+ {t('new_conversation')}</button>
      </div>
      {list.length === 0 && <p class="muted small">{t('no_conversations')}</p>}
      <ul class="channels" aria-labelledby="dm-label">
        {list.map((c) => (
          <li key={c.id}>
            <Link href={`/c/${slug}/ch/${c.id}`} class={'channel' + (c.id === current ? ' channel--active' : '') + (c.unread > 0 ? ' channel--unread' : '')} aria-current={c.id === current ? 'page' : undefined}>
              <span class="channel__hash" aria-hidden="true">{c.kind === 'group' ? '👥' : '@'}</span>
              <span class="channel__name">{room_label(c)}</span>
              {c.unread > 0 && c.id !== current && <span class="unread" aria-label={tn('unread_count', c.unread)} data-testid="unread">{c.unread}</span>}
            </Link>
          </li>
        ))}
      </ul>
      <PeopleSheet slug={slug} open={open} title={t('new_conversation')} on_close={() => set_open(false)} with_name
        done={async (ids, name) => {
          const { channel } = await api.start_conversation(slug, { member_ids: ids, ...(name ? { name } : {}) });
          upsert_conversation(slug, channel);
          set_open(false);
          navigate(`/c/${slug}/ch/${channel.id}`);
        }} />
    </>
  );
}

/** Chooses members of the community (not oneself, not those already in). */
export function PeopleSheet(p: { slug: string; open: boolean; title: string; on_close: () => void; exclude?: number[]; with_name?: boolean; done: (ids: number[], name: string) => Promise<void> }) {
  const [chosen, set_chosen] = useState<number[]>([]);
  const [name, set_name] = useState('');
  const [error, set_error] = useState<unknown>(null);
  const [busy, set_busy] = useState(false);
  useEffect(() => {
    if (p.open && !members_by_slug.has(p.slug)) load_members(p.slug).catch(set_error);
    if (!p.open) {
      set_chosen([]);
      set_name('');
      set_error(null);
    }
  }, [p.open]);
  const people = (members_by_slug.get(p.slug) ?? []).filter((m) => m.account_id !== session.me?.id && !p.exclude?.includes(m.account_id));
  return (
    <Sheet open={p.open} title={p.title} on_close={p.on_close} testid="sheet-people">
      <form class="form" onSubmit={(e) => {
        e.preventDefault();
        if (!chosen.length || busy) return;
        set_busy(true);
        set_error(null);
        p.done(chosen, name.trim()).catch(set_error).finally(() => set_busy(false));
      }}>
        <FormError error={error} />
        <fieldset class="people">
          <legend>{t('choose_people')}</legend>
          {people.map((m) => (
            <Checkbox key={m.account_id} name="member" label={m.display_name} checked={chosen.includes(m.account_id)}
              onChange={(on) => set_chosen((old) => (on ? [...old, m.account_id] : old.filter((x) => x !== m.account_id)))} />
          ))}
        </fieldset>
        {p.with_name && chosen.length > 1 && <Field label={t('group_name')} name="name" value={name} onInput={set_name} optional maxLength={80} />}
        <button class="btn btn--primary" type="submit" disabled={busy || chosen.length === 0}>
          {chosen.length > 1 ? t('start_group', { count: chosen.length }) : t('start_conversation')}
        </button>
      </form>
      {p.with_name && p.open && <KnownOnlyChoice slug={p.slug} />}
    </Sheet>
  );
}

/** In a conversation's header: add people (a group) and leave. */
export function ConversationActions({ slug, channel }: { slug: string; channel: api.Conversation }) {
  const [adding, set_adding] = useState(false);
  const [error, set_error] = useState<unknown>(null);
  return (
    <div class="conversation-actions">
      <FormError error={error} />
      {channel.kind === 'group' && <button type="button" class="btn btn--small" onClick={() => set_adding(true)}>{t('add_people')}</button>}
      <button type="button" class="btn btn--small btn--ghost" onClick={() => void (async () => {
        if (!(await ask_confirm({ title: t('leave_conversation_title'), body: t('leave_conversation_body'), confirm: t('leave_conversation'), danger: true }))) return;
        try {
          await api.leave_conversation(channel.id);
          leave_locally(slug, channel.id);
          show_toast(t('conversation_left'));
          navigate(`/c/${slug}`);
        } catch (e) {
          set_error(e);
        }
      })()}>{t('leave_conversation')}</button>
      <PeopleSheet slug={slug} open={adding} title={t('add_people')} on_close={() => set_adding(false)} exclude={channel.participants?.map((x) => x.id)}
        done={async (ids) => {
          const { channel: changed } = await api.add_participants(channel.id, ids);
          upsert_conversation(slug, changed);
          set_adding(false);
        }} />
    </div>
  );
}
