// Issue 13's mentions and notifications, in the browser, French then English (each cast's
// accounts in that language). Ana, on a laptop, types « @ » and the first letters of Béa's name
// without its accents, picks her from the list with the keyboard, and sends: the message shows
// the mention as a pill. Béa, on a phone, sees her bell go to 1 without a reload, and the tab's
// title says (1); she opens the bell, taps the notification and lands on the message, lit up,
// the mention marked as hers; the count goes back to nothing. She answers with a mention picked
// by a tap; Ana's bell counts it, and « Tout marquer comme lu » clears it. Ana chooses « Tout »
// for the room; Béa sets her emails, quiet hours and what the lock screen shows; a search finds
// the message with the names in its snippet, not ids. Screenshots of each state, axe on each screen.
import { PHONE, a11y, api_call, results, shot, three_people } from './harness.mjs';

const T = {
  fr: {
    locale: 'fr-CA', accept_language: 'fr-CA,fr',
    host: 'Ana Roy', guest: 'Béa Gagnon', third: 'Marc Côté', fourth: 'Dom Lévesque', community: 'Le Quai des Mentions',
    channel: 'jasette', hi: 'Salut', typed: 'bea', typed_back: 'ana', words: 'tu viens au spectacle jeudi?', answer: 'Oui, je garde deux places',
    bell: 'Notifications', bell_one: 'Notifications, 1 non lue', bell_settings: 'Réglages des notifications', sentence: 'Ana Roy t’a mentionné·e dans #jasette', mark_all: 'Tout marquer comme lu',
    message: 'Message', send: 'Envoyer', suggestions: 'Personnes à mentionner',
    room_notify: 'Notifications de ce salon', level_all: 'Tout', level_saved: 'C’est noté : Tout.',
    account: 'Mon compte', emails: 'Courriels', daily: 'Un résumé par jour', quiet: 'Aucune notification sur mes appareils pendant ces heures', from: 'De', to: 'Jusqu’à',
    private_previews: 'Cacher le texte des messages sur l’écran verrouillé', save: 'Enregistrer', saved: 'C’est enregistré.', device: 'Notifications sur cet appareil',
    search: 'Rechercher', search_field: 'Mots à chercher', search_word: 'spectacle', denied: 'Tu as bloqué les notifications pour ce site.',
  },
  en: {
    locale: 'en-CA', accept_language: 'en-CA,en',
    host: 'Sam Hill', guest: 'Zoë Grant', third: 'Mark Cole', fourth: 'Dom Leblanc', community: 'Mentions Dock',
    channel: 'chat', hi: 'Hi', typed: 'zoe', typed_back: 'sam', words: 'are you coming to the show on Thursday?', answer: 'Yes, saving two seats',
    bell: 'Notifications', bell_one: 'Notifications, 1 unread', bell_settings: 'Notification settings', sentence: 'Sam Hill mentioned you in #chat', mark_all: 'Mark all read',
    message: 'Message', send: 'Send', suggestions: 'People to mention',
    room_notify: 'Notifications for this room', level_all: 'Everything', level_saved: 'Got it: Everything.',
    account: 'My account', emails: 'Emails', daily: 'A daily summary', quiet: 'No notifications on my devices during these hours', from: 'From', to: 'Until',
    private_previews: 'Hide message text on the lock screen', save: 'Save', saved: 'Saved.', device: 'Notifications on this device',
    search: 'Search', search_field: 'Words to search for', search_word: 'show', denied: 'You blocked notifications for this site.',
  },
};

async function one_language(browser, server, lang) {
  const t = T[lang];
  const { base, slug, host, guest, check, call, close } = await three_people(browser, server, lang, t, 'notifications');
  try {
    const { channel } = await call('host', 'POST', `/communities/${slug}/channels`, { name: t.channel });
    const guest_id = (await call('guest', 'GET', '/me')).account.id;
    const room = `${base}/c/${slug}/ch/${channel.id}`;
    const box = (page) => page.getByLabel(t.message, { exact: true });
    const list = (page) => page.getByTestId('mention-list');
    const count = (page) => page.getByTestId('bell-count');
    let sent_seq = 0;

    const frames = { sent: [], got: [] };
    guest.on('websocket', (ws) => {
      ws.on('framesent', (f) => frames.sent.push(String(f.payload)));
      ws.on('framereceived', (f) => frames.got.push(String(f.payload)));
    });

    await check('Béa, on her phone, is in the community: her bell shows no count; the stream hears she is active, and answers nothing', async () => {
      await guest.goto(`${base}/c/${slug}`);
      await guest.getByRole('button', { name: t.bell, exact: true }).waitFor();
      if (await count(guest).count()) throw new Error('a count before anything happened');
      for (let i = 0; i < 50 && !frames.sent.some((f) => f.includes('"presence"')); i++) await guest.waitForTimeout(100);
      const presence = frames.sent.filter((f) => f.includes('"presence"')).map((f) => JSON.parse(f));
      if (!presence.length || presence[0].active !== true) throw new Error(`presence frames sent: ${JSON.stringify(presence)}`);
      const hello_at = frames.got.findIndex((f) => f.includes('"hello"'));
      if (hello_at < 0) throw new Error('no hello');
      await guest.waitForTimeout(300);
      const errors = frames.got.filter((f) => f.includes('"error"'));
      if (errors.length) throw new Error(`the server answered: ${errors.join(' ')}`);
    });

    await check(`Ana types « @${t.typed} » without the accents: the list offers ${t.guest}; Enter picks her; the message goes with the mention`, async () => {
      await host.goto(room);
      await box(host).waitFor();
      const mentionable = [];
      host.on('request', (r) => r.url().includes('/mentionable?') && mentionable.push(new URL(r.url()).searchParams.get('q')));
      await box(host).pressSequentially(`${t.hi} @${t.typed}`, { delay: 30 });
      const option = list(host).getByRole('option', { name: t.guest });
      await option.waitFor();
      await host.waitForTimeout(300);
      if (mentionable.at(-1) !== t.typed) throw new Error(`asked ${JSON.stringify(mentionable)}`);
      if (mentionable.length > 2) throw new Error(`one request per pause, not per letter: ${JSON.stringify(mentionable)}`);
      if ((await option.getAttribute('aria-selected')) !== 'true') throw new Error('the first name is not the active one');
      await a11y(host, 'mention list');
      await shot(host, `notifications-${lang}-01-mention-list-laptop`);
      await box(host).press('Enter');
      await list(host).waitFor({ state: 'detached' });
      const typed = await box(host).inputValue();
      if (typed !== `${t.hi} @${t.guest} `) throw new Error(`the box shows « ${typed} »`);
      await box(host).pressSequentially(t.words);
      const posted = host.waitForResponse((r) => r.url().endsWith(`/channels/${channel.id}/messages`) && r.request().method() === 'POST');
      await box(host).press('Enter');
      const { message } = await (await posted).json();
      if (message.body !== `${t.hi} <@${guest_id}> ${t.words}`) throw new Error(`sent « ${message.body} »`);
      if (JSON.stringify(message.mentions) !== JSON.stringify([guest_id])) throw new Error(`mentions ${JSON.stringify(message.mentions)}`);
      sent_seq = message.seq;
      await host.locator(`.messages [data-seq="${sent_seq}"] .mention`, { hasText: `@${t.guest}` }).waitFor();
      await shot(host, `notifications-${lang}-02-sent-laptop`);
    });

    await check('Béa’s bell goes to 1 live, and her tab’s title says (1)', async () => {
      await count(guest).filter({ hasText: /^1$/ }).waitFor();
      await guest.waitForFunction(() => document.title.startsWith('(1) '));
      await guest.getByRole('button', { name: t.bell_one }).waitFor();
      await a11y(guest, 'bell with a count');
      await shot(guest, `notifications-${lang}-03-bell-count-phone`);
    });

    await check('she opens the bell: who mentioned her, where, and the excerpt with her name', async () => {
      await guest.getByTestId('bell-open').click();
      const sheet = guest.getByTestId('bell').getByRole('dialog', { name: t.bell });
      await sheet.waitFor();
      const item = sheet.locator('.notif--unread', { hasText: t.sentence });
      await item.waitFor();
      if (!(await item.innerText()).includes(`@${t.guest}`)) throw new Error('the excerpt does not name her');
      const size = await sheet.evaluate((el) => [el.getBoundingClientRect().width, el.getBoundingClientRect().height]);
      if (size[0] < 389 || size[1] < 800) throw new Error(`the sheet is not the whole phone screen: ${size}`);
      await a11y(guest, 'bell sheet');
      await shot(guest, `notifications-${lang}-04-bell-phone`);
    });

    await check('a tap opens the message, lit up, her mention marked; the count goes back to nothing', async () => {
      await guest.getByTestId('bell').locator('.notif', { hasText: t.sentence }).click();
      await guest.waitForURL(new RegExp(`/ch/${channel.id}\\?m=${sent_seq}$`));
      const msg = guest.locator(`.messages [data-seq="${sent_seq}"]`);
      await msg.and(guest.locator('.msg--found')).waitFor();
      await msg.locator('.mention.mention--me').waitFor();
      await count(guest).waitFor({ state: 'detached' });
      await guest.waitForFunction(() => !document.title.startsWith('('));
      const { unread } = await call('guest', 'GET', '/notifications');
      if (unread !== 0) throw new Error(`the server still counts ${unread}`);
      await a11y(guest, 'message opened from the bell');
      await shot(guest, `notifications-${lang}-05-opened-phone`);
    });

    await check('Béa answers with a mention picked by a tap; Ana’s bell counts it, and « mark all read » clears it', async () => {
      const host_id = (await call('host', 'GET', '/me')).account.id;
      await box(guest).tap();
      await box(guest).pressSequentially(`@${t.typed_back}`, { delay: 30 });
      const option = list(guest).getByRole('option', { name: t.host });
      await option.waitFor();
      await a11y(guest, 'mention list on a phone');
      await shot(guest, `notifications-${lang}-06-mention-list-phone`);
      await option.tap();
      await list(guest).waitFor({ state: 'detached' });
      if ((await guest.evaluate(() => document.activeElement?.tagName)) !== 'TEXTAREA') throw new Error('the tap took the focus out of the box');
      await box(guest).pressSequentially(t.answer);
      const posted = guest.waitForResponse((r) => r.url().endsWith(`/channels/${channel.id}/messages`) && r.request().method() === 'POST');
      await guest.getByRole('button', { name: t.send }).tap();
      const { message } = await (await posted).json();
      if (message.body !== `@${t.host} ${t.answer}`.replace(`@${t.host}`, `<@${host_id}>`)) throw new Error(`sent « ${message.body} »`);
      await count(host).filter({ hasText: /^1$/ }).waitFor();
      await host.getByTestId('bell-open').click();
      const sheet = host.getByTestId('bell').getByRole('dialog', { name: t.bell });
      await sheet.locator('.notif--unread').first().waitFor();
      await a11y(host, 'bell panel on a laptop');
      await shot(host, `notifications-${lang}-07-bell-laptop`);
      const read = host.waitForResponse((r) => r.url().endsWith('/notifications/read') && r.request().method() === 'POST');
      await sheet.getByRole('button', { name: t.mark_all }).click();
      await sheet.locator('.notif--unread').first().waitFor({ state: 'detached' });
      if ((await read).status() !== 200 || (await (await read).json()).unread !== 0) throw new Error('mark all read was refused');
      await count(host).waitFor({ state: 'detached' });
      if ((await call('host', 'GET', '/notifications')).unread !== 0) throw new Error('the server still counts some');
      await host.keyboard.press('Escape');
      await sheet.waitFor({ state: 'detached' });
    });

    await check(`Ana chooses « ${t.level_all} » for the room: saved, and said`, async () => {
      await host.getByTestId('room-level').click();
      const sheet = host.getByTestId('room-level-sheet').getByRole('dialog', { name: t.room_notify });
      await sheet.getByRole('radio', { checked: true }).waitFor();
      await a11y(host, 'room level');
      await shot(host, `notifications-${lang}-08-room-level-laptop`);
      await sheet.getByRole('radio', { name: t.level_all }).click();
      await host.getByTestId('toast').filter({ hasText: t.level_saved }).waitFor();
      await sheet.waitFor({ state: 'detached' });
      const l = await call('host', 'GET', `/channels/${channel.id}/notifications`);
      if (l.level !== 'all' || l.is_default) throw new Error(`the server has ${JSON.stringify(l)}`);
    });

    await check('a search finds the message: its snippet names Béa, never an id', async () => {
      await host.getByRole('button', { name: t.search, exact: true }).click();
      const sheet = host.getByTestId('search').getByRole('dialog');
      await sheet.getByLabel(t.search_field).fill(t.search_word);
      const snippet = sheet.locator('[data-testid=search-results] .hit__snippet').first();
      await snippet.waitFor();
      const text = await snippet.innerText();
      if (!text.includes(`@${t.guest}`) || /<@|&lt;@/.test(text)) throw new Error(`the snippet reads « ${text} »`);
      await a11y(host, 'search with a mention');
      await shot(host, `notifications-${lang}-09-search-laptop`);
      await host.keyboard.press('Escape');
    });

    await check('Béa opens the settings from her bell: emails daily, the lock screen private, quiet hours 22:00–07:00 in her zone', async () => {
      await guest.getByTestId('bell-open').click();
      await guest.getByTestId('bell').getByRole('link', { name: t.bell_settings }).click();
      await guest.waitForURL(/\/account#notifications$/);
      const card = guest.getByTestId('notification-settings');
      await card.getByRole('button', { name: t.save }).and(guest.locator(':enabled')).waitFor();
      await card.getByLabel(t.emails).selectOption('daily');
      await card.getByLabel(t.private_previews).check();
      await card.getByLabel(t.quiet).check();
      await card.getByLabel(t.from, { exact: true }).fill('22:00');
      await card.getByLabel(t.to, { exact: true }).fill('07:00');
      await card.getByRole('button', { name: t.save }).click();
      await card.getByText(t.saved).waitFor();
      const zone = await guest.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
      const { settings } = await call('guest', 'GET', '/me/notifications');
      const want = { email: 'daily', digest: 'weekly', push_previews: 'private', quiet_hours: { start: '22:00', end: '07:00' }, time_zone: zone };
      // Compared whatever the order of the keys.
      const canon = (x) => (x && typeof x === 'object' ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, canon(x[k])])) : x);
      if (JSON.stringify(canon(settings)) !== JSON.stringify(canon(want))) throw new Error(`the server has ${JSON.stringify(settings)}, not ${JSON.stringify(want)}`);
      await a11y(guest, 'notification settings');
      await card.scrollIntoViewIfNeeded();
      await shot(guest, `notifications-${lang}-10-settings-phone`);
    });

    await check('this device: a switch; the permission asked only on the tap, a refusal said with how to undo it', async () => {
      const device = guest.getByTestId('device-push');
      await device.and(guest.locator(':not([data-state=checking])')).waitFor();
      const state = await device.getAttribute('data-state');
      if (state !== 'off') throw new Error(`this browser’s push reads ${state}`);
      if ((await guest.evaluate(() => Notification.permission)) !== 'default') throw new Error('the permission was asked before the tap');
      await a11y(guest, 'this device’s notifications');
      // Headless Chromium refuses the prompt: the refusal, and how to allow it again.
      await device.getByRole('switch', { name: t.device }).click();
      await device.and(guest.locator('[data-state=denied]')).waitFor();
      await device.getByText(t.denied).waitFor();
      await a11y(guest, 'push refused');
      await device.scrollIntoViewIfNeeded();
      await shot(guest, `notifications-${lang}-11-push-denied-phone`);
    });

    await check('on an installed app (its service worker running): a push shows its notification; a tap on it reads it and opens the message', async () => {
      const ctx = await browser.newContext({ viewport: PHONE, locale: t.locale, extraHTTPHeaders: { 'Accept-Language': t.accept_language }, isMobile: true, hasTouch: true });
      try {
        await ctx.grantPermissions(['notifications'], { origin: base });
        const dom = (method, path, data) => api_call(ctx, base, method, path, data);
        await dom('POST', '/accounts', { email: `dom-${lang}-${Date.now().toString(36)}@example.com`, password: 'correct horse battery', display_name: t.fourth, locale: lang });
        const { invitation } = await call('host', 'POST', `/communities/${slug}/invitations`, { max_uses: 1 });
        await dom('POST', `/invitations/${invitation.code}/accept`);
        const dom_id = (await dom('GET', '/me')).account.id;
        const { message } = await call('host', 'POST', `/channels/${channel.id}/messages`, { body: `<@${dom_id}> ${t.words}` });
        const [n] = (await dom('GET', '/notifications')).notifications;
        const page = await ctx.newPage();
        await page.goto(`${base}/c/${slug}`);
        await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
        const cdp = await ctx.newCDPSession(page);
        const registrations = [];
        cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => registrations.push(...e.registrations));
        await cdp.send('ServiceWorker.enable');
        await page.waitForFunction(() => true);
        for (let i = 0; i < 20 && !registrations.length; i++) await page.waitForTimeout(100);
        const url = `/c/${slug}/ch/${channel.id}?m=${message.seq}`;
        const payload = { title: t.host, body: n.excerpt, url, tag: `n-${n.id}`, notification_id: n.id };
        await cdp.send('ServiceWorker.deliverPushMessage', { origin: base, registrationId: registrations[0].registrationId, data: JSON.stringify(payload) });
        let shown = [];
        for (let i = 0; i < 30 && !shown.length; i++) {
          await page.waitForTimeout(100);
          shown = await page.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications()).map((x) => ({ title: x.title, body: x.body, tag: x.tag, data: x.data, icon: x.icon })));
        }
        const got = shown[0];
        if (!got || got.title !== t.host || got.body !== n.excerpt || got.tag !== `n-${n.id}` || got.data.url !== url || got.data.notification_id !== n.id || !got.icon.endsWith('/icon-192.png')) throw new Error(`shown: ${JSON.stringify(shown)}`);
        // The tap, as the service worker handles it (a real tap is the browser's to make).
        const [worker] = ctx.serviceWorkers();
        await worker.evaluate((d) => open_from_notification(d), got.data);
        await page.waitForURL((u) => u.pathname + u.search === url);
        await page.locator(`.messages [data-seq="${message.seq}"]`).waitFor();
        const after = (await dom('GET', '/notifications')).notifications.find((x) => x.id === n.id);
        if (!after?.read) throw new Error('the tap did not mark it read');
      } finally {
        await ctx.close();
      }
    });
  } finally {
    await close();
  }
}

/** Issue 13's mentions and notifications, in French then English (called from run.mjs's main). */
export async function notifications_story(browser, server) {
  for (const lang of ['fr', 'en']) {
    console.log(`notifications (${lang})`);
    try {
      await one_language(browser, server, lang);
    } catch (e) {
      console.log(`  notifications ${lang} stopped: ${e.message}`);
      results.failed += 1;
      results.failures.push(`notifications ${lang}: set-up`);
    }
  }
}
