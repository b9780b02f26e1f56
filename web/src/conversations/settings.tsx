// Who may write privately: the hosts' switch for the community (in the host tools), and a
// person's own choice to take private messages only from people they already talk with.
import { useEffect, useState } from 'preact/hooks';
import * as api from '../api';
import type { ConversationSettings } from '../api';
import { t } from '../i18n';
import { session } from '../state';
import { Checkbox, FormError } from '../ui/form';
import { show_toast } from '../ui/toast';

function use_settings(slug: string) {
  const [settings, set_settings] = useState<ConversationSettings | null>(null);
  const [error, set_error] = useState<unknown>(null);
  const online = session.connection === 'online';
  useEffect(() => {
    api.get_conversation_settings(slug).then((r) => set_settings(r.settings), set_error);
  }, [slug, online]);
  const change = async (b: Partial<ConversationSettings>) => {
    set_error(null);
    try {
      set_settings((await api.update_conversation_settings(slug, b)).settings);
      show_toast(t('saved'));
    } catch (e) {
      set_error(e);
    }
  };
  return { settings, error, change };
}

export function DirectMessagesCard({ slug }: { slug: string }) {
  const { settings, error, change } = use_settings(slug);
  return (
    <section class="card" aria-labelledby="h-dms">
      <h2 id="h-dms">{t('conversations')}</h2>
      <FormError error={error} />
      {settings && <Checkbox name="direct_messages" label={t('allow_direct_messages')} checked={settings.direct_messages} onChange={(on) => void change({ direct_messages: on })} />}
      <p class="muted small">{t('allow_direct_messages_hint')}</p>
    </section>
  );
}

export function KnownOnlyChoice({ slug }: { slug: string }) {
  const { settings, error, change } = use_settings(slug);
  if (!settings) return <FormError error={error} />;
  return (
    <div class="known-only">
      <FormError error={error} />
      <Checkbox name="from_known_only" label={t('from_known_only')} checked={settings.from_known_only} onChange={(on) => void change({ from_known_only: on })} />
    </div>
  );
}
