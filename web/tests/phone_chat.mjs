// The phone chat of issue 10, in the browser: bugs 1, 2, 3, 6 and 7, the long press and its
// sheet, the emoji picker (French and English search), Enter on touch and with a keyboard,
// drafts, the undo toast, who reacted, join lines, and typing (once the server relays it).
// Julie is on a phone (390×844, touch), her host on a laptop. People and data come through the
// API, as run.mjs's `call` does; one community per language.
import { DESKTOP, PHONE, a11y, confirm_sheet, results, shot, step } from './harness.mjs';

const PASSWORD = 'correct horse battery';
const SEED = 80;

const T = {
  fr: {
    locale: 'fr-CA', accept_language: 'fr-CA,fr',
    host: 'Ana Roy', guest: 'Julie Gagnon', guest_renamed: 'Julie G.', third: 'Marc Côté', third_renamed: 'Marc C.',
    community: 'Le Café du Coin', first: 'jasette', archived: 'vieilles-nouvelles',
    seed: (i) => `Nouvelle du jour nº ${i}`,
    message: 'Message', send: 'Envoyer', more: 'Plus d’actions', back: 'Retour',
    divider: 'Nouveaux messages', jump: 'Nouveaux messages', joined: (n, k) => `${n} a rejoint — membre nº ${k}`,
    gone_member: 'Tu n’es plus membre de cette communauté', archived_note: 'Ce canal est archivé',
    all_emoji: 'Tous les émojis', search: 'Chercher un émoji', red_heart: 'cœur rouge', recent: 'Utilisés récemment',
    react_with: (e) => `Réagir avec ${e}`, quote: 'Citer', copy: 'Copier le texte', copied: 'Texte copié.',
    delete: 'Supprimer le message', delete_btn: 'Supprimer', deleted_toast: 'Message supprimé.', undo: 'Annuler',
    reactions: 'Réactions', typing: (n) => `${n} écrit…`,
    mine_1: 'Je passe ce midi!', mine_2: 'Gardez-moi un croissant', to_delete: 'Oups, mauvais canal', late: 'Le four est réparé',
    draft: 'Un brouillon gardé', quoted: 'Nouvelle du jour nº 80',
  },
  en: {
    locale: 'en-CA', accept_language: 'en-CA,en',
    host: 'Sam Hill', guest: 'Julie Grant', guest_renamed: 'Julie G.', third: 'Mark Cole', third_renamed: 'Mark C.',
    community: 'The Corner Café', first: 'chat', archived: 'old-news',
    seed: (i) => `News of the day #${i}`,
    message: 'Message', send: 'Send', more: 'More actions', back: 'Back',
    divider: 'New messages', jump: 'New messages', joined: (n, k) => `${n} joined — member #${k}`,
    gone_member: 'You’re no longer a member of this community', archived_note: 'This channel is archived',
    all_emoji: 'All emoji', search: 'Search emoji', red_heart: 'red heart', recent: 'Recently used',
    react_with: (e) => `React with ${e}`, quote: 'Quote', copy: 'Copy text', copied: 'Text copied.',
    delete: 'Delete message', delete_btn: 'Delete', deleted_toast: 'Message deleted.', undo: 'Undo',
    reactions: 'Reactions', typing: (n) => `${n} is typing…`,
    mine_1: 'I’ll drop by at noon!', mine_2: 'Save me a croissant', to_delete: 'Oops, wrong channel', late: 'The oven is fixed',
    draft: 'A draft kept', quoted: 'News of the day #80',
  },
};

/** A request of the real API from a context's cookie session (Origin and X-Requested-With, as run.mjs's `call`). */
async function call(ctx, base, method, path, data) {
  const r = await ctx.request.fetch(base + '/api/v1' + path, { method, headers: { Origin: base, 'X-Requested-With': 'petitesalle' }, ...(data === undefined ? {} : { data }) });
  if (r.status() >= 400) throw new Error(`${method} ${path}: ${r.status()} ${await r.text()}`);
  return r.status() === 204 ? null : r.json();
}

/** A touch held in place for 650 ms (Playwright's touchscreen only taps). */
async function long_press(page, locator) {
  const box = await locator.boundingBox();
  const x = box.x + Math.min(120, box.width / 2);
  const y = box.y + Math.min(box.height / 2, 30);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x, y }] });
  await page.waitForTimeout(650);
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await cdp.detach();
}

/** Whether the element lies wholly inside the message list's visible part. */
function in_view(page, selector) {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel);
    const box = document.querySelector('.messages')?.getBoundingClientRect();
    if (!el || !box) return false;
    const r = el.getBoundingClientRect();
    return r.top >= box.top - 1 && r.bottom <= box.bottom + 1 && r.height > 0;
  }, selector);
}

/** Every button of the open sheets is at least 44 × 44 px. */
async function targets_44(page, testid) {
  const small = await page.getByTestId(testid).evaluate((el) =>
    [...el.querySelectorAll('button, input')].filter((b) => b.offsetParent !== null).map((b) => [b.getAttribute('aria-label') ?? b.textContent, b.getBoundingClientRect()]).filter(([, r]) => r.width < 44 || r.height < 44).map(([n, r]) => `${n} ${Math.round(r.width)}×${Math.round(r.height)}`),
  );
  if (small.length) throw new Error(`targets under 44 px in ${testid}: ${small.join(', ')}`);
}

async function one_language(browser, server, lang) {
  const t = T[lang];
  const base = server.url;
  const stamp = `${lang}-${Date.now().toString(36)}`;
  const opts = (viewport, phone) => ({ viewport, locale: t.locale, extraHTTPHeaders: { 'Accept-Language': t.accept_language }, serviceWorkers: 'block', ...(phone ? { isMobile: true, hasTouch: true } : {}) });
  const host_ctx = await browser.newContext(opts(DESKTOP, false));
  // The English phone is in the dark theme, so axe checks its contrast too.
  const guest_ctx = await browser.newContext({ ...opts(PHONE, true), colorScheme: lang === 'en' ? 'dark' : 'light' });
  const third_ctx = await browser.newContext(opts(DESKTOP, false));
  const host = await host_ctx.newPage();
  const guest = await guest_ctx.newPage();
  const third = await third_ctx.newPage();
  let marc;
  let kept = 0; // and one whose delete was undone
  let gone_id = 0; // a message deleted and left alone: checked a few steps later, once its toast has gone
  for (const [who, p] of [['host', host], ['guest', guest], ['third', third]]) {
    p.setDefaultTimeout(15000);
    p.on('pageerror', (e) => console.log(`       [phone chat ${lang} ${who} page error] ${e.message}`));
  }
  const name = (s) => `phone chat ${lang}: ${s}`;
  const check = async (s, fn) => {
    const ok = await step(name(s), fn);
    if (!ok) {
      const tag = s.replace(/[^a-z0-9]+/gi, '-').slice(0, 40);
      await shot(guest, `phone-chat-${lang}-zz-fail-${tag}-guest`).catch(() => {});
      await shot(host, `phone-chat-${lang}-zz-fail-${tag}-host`).catch(() => {});
    }
    return ok;
  };
  const msg = (page, text) => page.locator('.messages article.msg', { hasText: text });
  const box = (page) => page.getByLabel(t.message, { exact: true });
  const sheet = (page, id) => page.getByTestId(id).getByRole('dialog');

  try {
    // ---- The world, through the API.
    const sign_up = async (ctx, display_name, who) => (await call(ctx, base, 'POST', '/accounts', { email: `${who}-${stamp}@example.com`, password: PASSWORD, display_name, locale: lang })).account;
    await sign_up(host_ctx, t.host, 'host');
    const { community } = await call(host_ctx, base, 'POST', '/communities', { name: t.community });
    const slug = community.slug;
    const first = (await call(host_ctx, base, 'POST', `/communities/${slug}/channels`, { name: t.first })).channel;
    const old = (await call(host_ctx, base, 'POST', `/communities/${slug}/channels`, { name: t.archived })).channel;
    await call(host_ctx, base, 'POST', `/channels/${old.id}/messages`, { body: lang === 'fr' ? 'Le menu de l’été' : 'The summer menu' });
    await call(host_ctx, base, 'PATCH', `/channels/${old.id}`, { archived: true });
    const invite = async (ctx) => {
      const { invitation } = await call(host_ctx, base, 'POST', `/communities/${slug}/invitations`, { max_uses: 1 });
      return call(ctx, base, 'POST', `/invitations/${invitation.code}/accept`);
    };
    await sign_up(guest_ctx, t.guest, 'guest');
    await invite(guest_ctx);
    const seeded = [];
    for (let i = 1; i <= SEED; i++) seeded.push((await call(host_ctx, base, 'POST', `/channels/${first.id}/messages`, { body: t.seed(i) })).message);
    const channel_url = `${base}/c/${slug}/ch/${first.id}`;
    const unread_of = async (ctx) => (await call(ctx, base, 'GET', `/communities/${slug}/channels`)).channels.find((c) => c.id === first.id).unread;

    await check(`bug 2: ${SEED} unread open at the first unread, the « new messages » divider in view (phone)`, async () => {
      await guest.goto(channel_url);
      await guest.locator('.divider').waitFor();
      await msg(guest, t.seed(1)).first().waitFor();
      await guest.waitForTimeout(300);
      if (!(await in_view(guest, '.divider'))) throw new Error('the divider is not in view');
      if (!(await in_view(guest, `.messages [data-seq="${seeded[0].seq}"]`))) throw new Error('the first unread message is not in view');
      if (await in_view(guest, `.messages [data-seq="${seeded[SEED - 1].seq}"]`)) throw new Error('it opened at the bottom, not at the first unread');
      // The first channel says who joined, among the messages by time (Julie joined before the news).
      await guest.locator('.joined', { hasText: t.joined(t.guest, 2) }).waitFor();
      const above = await guest.evaluate(() => document.querySelector('.divider').getBoundingClientRect().top - document.querySelector('.messages').getBoundingClientRect().top);
      if (above > 844 / 3) throw new Error(`the divider is ${Math.round(above)} px down, not near the top`);
      await a11y(guest, 'phone chat opened at the first unread');
      await shot(guest, `phone-chat-${lang}-01-first-unread-phone`);
    });

    await check('bug 2: the unread count follows what was read, not what was opened', async () => {
      await guest.waitForTimeout(800); // the read marker goes out a moment after the messages are seen
      const left = await unread_of(guest_ctx);
      if (!(left > 0 && left < SEED)) throw new Error(`after reading a screen, the server counts ${left} unread (want between 0 and ${SEED})`);
      await guest.getByRole('link', { name: t.back }).click();
      const badge = guest.locator('.sidebar .channel', { hasText: t.first }).getByTestId('unread');
      await badge.filter({ hasText: String(left) }).waitFor();
      await shot(guest, `phone-chat-${lang}-02-badge-after-reading-phone`);
    });

    await check('bug 1: after sending, the view is at your messages (both of them)', async () => {
      await guest.locator('.sidebar .channel', { hasText: t.first }).click();
      await guest.locator('.divider').waitFor();
      await guest.waitForTimeout(300);
      for (const text of [t.mine_1, t.mine_2]) {
        await box(guest).fill(text);
        await guest.getByRole('button', { name: t.send }).click();
        await msg(guest, text).waitFor();
        await guest.waitForTimeout(150);
        const id = await msg(guest, text).getAttribute('data-seq');
        if (!(await in_view(guest, `.messages [data-seq="${id}"]`))) throw new Error(`« ${text} » was sent but is not in view`);
      }
    });

    await check('bug 1: scrolled up when new messages arrive, a « new messages ↓ » button takes you to them', async () => {
      await guest.locator('.messages').evaluate((el) => (el.scrollTop = el.scrollHeight / 3));
      await guest.waitForTimeout(200);
      await call(host_ctx, base, 'POST', `/channels/${first.id}/messages`, { body: t.late });
      const jump = guest.getByRole('button', { name: t.jump });
      await jump.waitFor();
      await shot(guest, `phone-chat-${lang}-03-new-messages-button-phone`);
      await jump.click();
      await msg(guest, t.late).waitFor();
      await guest.waitForTimeout(200);
      if (!(await in_view(guest, `.messages [data-seq="${await msg(guest, t.late).getAttribute('data-seq')}"]`))) throw new Error('the new message is not in view after the button');
      await guest.waitForTimeout(600);
      const left = await unread_of(guest_ctx);
      if (left !== 0) throw new Error(`at the bottom, the server still counts ${left} unread`);
    });

    await check('Enter on a touch screen adds a line (the send button sends); the box grows; the draft survives a reload', async () => {
      const b = box(guest);
      const h0 = (await b.boundingBox()).height;
      await b.fill('');
      await b.pressSequentially('un');
      await b.press('Enter');
      await b.pressSequentially('deux');
      await b.press('Enter');
      await b.pressSequentially('trois');
      if ((await b.inputValue()) !== 'un\ndeux\ntrois') throw new Error(`Enter on touch sent or lost the text: ${JSON.stringify(await b.inputValue())}`);
      const h1 = (await b.boundingBox()).height;
      if (!(h1 > h0 + 10)) throw new Error(`the box did not grow (${h0} → ${h1} px)`);
      await b.fill(t.draft);
      await guest.reload();
      await box(guest).waitFor();
      if ((await box(guest).inputValue()) !== t.draft) throw new Error(`after a reload the box holds ${JSON.stringify(await box(guest).inputValue())}`);
      await box(guest).fill('');
    });

    await check('with a keyboard (laptop), Enter sends and Shift+Enter adds a line', async () => {
      await host.goto(channel_url);
      const b = box(host);
      await b.waitFor();
      await b.pressSequentially(lang === 'fr' ? 'Première ligne' : 'First line');
      await b.press('Shift+Enter');
      await b.pressSequentially(lang === 'fr' ? 'deuxième' : 'second');
      if (!(await b.inputValue()).includes('\n')) throw new Error('Shift+Enter added no line');
      await b.press('Enter');
      await msg(guest, lang === 'fr' ? 'deuxième' : 'second').waitFor();
      if ((await b.inputValue()) !== '') throw new Error('Enter did not send');
    });

    await check('a long press opens the message’s sheet, every target at least 44 px (phone)', async () => {
      const m = msg(guest, t.seed(SEED)).first();
      await m.scrollIntoViewIfNeeded();
      await long_press(guest, m.locator('.msg__body'));
      await sheet(guest, 'message-sheet').waitFor();
      await targets_44(guest, 'message-sheet');
      await a11y(guest, 'message sheet (phone)');
      await shot(guest, `phone-chat-${lang}-04-message-sheet-phone`);
    });

    await check('the full emoji picker: « coeur » and “heart” both find ❤️; picking it reacts; recent ones come first', async () => {
      await sheet(guest, 'message-sheet').getByRole('button', { name: t.all_emoji }).click();
      const picker = sheet(guest, 'emoji-sheet');
      await picker.waitFor();
      const search = picker.getByLabel(t.search);
      await search.fill('coeur');
      await picker.getByTestId('emoji-results').getByRole('button', { name: t.red_heart, exact: true }).waitFor();
      await a11y(guest, 'emoji picker (phone)');
      await shot(guest, `phone-chat-${lang}-05-emoji-picker-phone`);
      await search.fill('heart');
      const heart = picker.getByTestId('emoji-results').getByRole('button', { name: t.red_heart, exact: true });
      await heart.waitFor();
      await heart.click();
      await msg(guest, t.seed(SEED)).first().locator('.reaction[data-emoji="❤️"]').waitFor();
      await msg(host, t.seed(SEED)).first().locator('.reaction[data-emoji="❤️"]').waitFor();
      // Recently used: first in the sheet's quick row, and a section of the picker.
      await guest.locator('.messages').evaluate((el) => (el.scrollTop = el.scrollHeight));
      await msg(guest, t.late).getByRole('button', { name: t.more }).click();
      const first_quick = await sheet(guest, 'message-sheet').locator('.quick-react button').first().getAttribute('aria-label');
      if (first_quick !== t.react_with('❤️')) throw new Error(`the quick row starts with ${first_quick}`);
      await sheet(guest, 'message-sheet').getByRole('button', { name: t.all_emoji }).click();
      await sheet(guest, 'emoji-sheet').getByRole('group', { name: t.recent }).getByRole('button', { name: t.red_heart }).waitFor();
      await guest.keyboard.press('Escape');
      await sheet(guest, 'emoji-sheet').waitFor({ state: 'detached' });
    });

    await check('tapping a reaction shows who reacted (phone)', async () => {
      const target = seeded[SEED - 1];
      await call(host_ctx, base, 'PUT', `/messages/${target.id}/reactions/${encodeURIComponent('❤️')}`);
      const chip = msg(guest, t.seed(SEED)).first().locator('.reaction[data-emoji="❤️"]');
      await chip.filter({ hasText: '2' }).waitFor();
      await chip.click();
      const who = sheet(guest, 'reactions-sheet');
      await who.getByText(t.host).waitFor();
      if (lang === 'fr') await a11y(guest, 'who reacted (phone)');
      await shot(guest, `phone-chat-${lang}-06-who-reacted-phone`);
      await guest.keyboard.press('Escape');
      await who.waitFor({ state: 'detached' });
    });

    await check('quote puts a Markdown quote in the box; copy says so in a toast', async () => {
      await msg(guest, t.quoted).first().getByRole('button', { name: t.more }).click();
      await sheet(guest, 'message-sheet').getByRole('button', { name: t.quote }).click();
      await guest.waitForFunction((q) => document.querySelector('.chat .composer textarea')?.value.startsWith(`> ${q}`), t.quoted);
      await box(guest).fill('');
      await msg(guest, t.quoted).first().getByRole('button', { name: t.more }).click();
      await sheet(guest, 'message-sheet').getByRole('button', { name: t.copy }).click();
      await guest.getByTestId('toast').filter({ hasText: t.copied }).waitFor();
    });

    await check('delete asks, then an undo toast: undo brings the message back at once', async () => {
      const open_delete = async (m) => {
        await m.getByRole('button', { name: t.more }).click();
        await sheet(guest, 'message-sheet').getByRole('button', { name: t.delete }).click();
        await confirm_sheet(guest, t.delete_btn);
      };
      await box(guest).fill(t.to_delete);
      await guest.getByRole('button', { name: t.send }).click();
      const mine = msg(guest, t.to_delete);
      await mine.waitFor();
      await msg(host, t.to_delete).waitFor();
      const kept_id = Number(await msg(guest, t.mine_1).getAttribute('data-id'));
      gone_id = Number(await mine.getAttribute('data-id'));
      // Deleted, then undone: it comes back and is never deleted.
      await open_delete(msg(guest, t.mine_1));
      const toast = guest.getByTestId('toast').filter({ hasText: t.deleted_toast });
      await toast.waitFor();
      await msg(guest, t.mine_1).waitFor({ state: 'detached' });
      await toast.getByRole('button', { name: t.undo }).click();
      await msg(guest, t.mine_1).waitFor();
      // Deleted and left alone (checked below, once its toast has gone).
      await open_delete(mine);
      await toast.waitFor();
      await a11y(guest, 'undo toast (phone)');
      await shot(guest, `phone-chat-${lang}-07-undo-toast-phone`);
      kept = kept_id;
    });

    await check('the laptop’s "…" opens the same sheet as a dialog', async () => {
      const m = msg(host, t.mine_1);
      await m.hover();
      await m.getByRole('button', { name: t.more }).click();
      await sheet(host, 'message-sheet').waitFor();
      if (lang === 'fr') await a11y(host, 'message sheet (laptop)');
      await shot(host, `phone-chat-${lang}-08-message-sheet-laptop`);
      await host.keyboard.press('Escape');
      await sheet(host, 'message-sheet').waitFor({ state: 'detached' });
    });

    await check('join lines in the first channel, live for a new member and after a reload', async () => {
      marc = await sign_up(third_ctx, t.third, 'third');
      await invite(third_ctx);
      await host.locator('.joined', { hasText: t.joined(t.third, 3) }).waitFor();
      await host.reload();
      await host.locator('.joined', { hasText: t.joined(t.third, 3) }).waitFor({ state: 'attached' });
    });

    await check('bug 6: a member’s rename updates the names already shown (messages, join line)', async () => {
      await host.goto(channel_url);
      await msg(host, t.mine_2).waitFor();
      await call(guest_ctx, base, 'PATCH', '/me', { display_name: t.guest_renamed });
      await host.waitForFunction(([text, n]) => [...document.querySelectorAll('.messages article.msg')].find((a) => a.textContent.includes(text))?.getAttribute('aria-label').startsWith(n + ','), [t.mine_2, t.guest_renamed]);
      if (await host.locator('.messages', { hasText: t.guest }).count()) throw new Error('the old name still shows');
      // A join line shown live follows a rename too.
      await call(third_ctx, base, 'PATCH', '/me', { display_name: t.third_renamed });
      await host.locator('.joined', { hasText: t.joined(t.third_renamed, 3) }).waitFor();
      await call(guest_ctx, base, 'PATCH', '/me', { display_name: t.guest });
    });

    await check('bug 3: a removed member opening an old channel link gets a centred « no longer a member » state, no spinner (laptop)', async () => {
      const page = third;
      await page.goto(channel_url);
      await box(page).waitFor();
      await call(host_ctx, base, 'DELETE', `/communities/${slug}/members/${marc.id}`);
      await page.waitForURL((u) => !u.pathname.includes('/ch/'));
      await page.goto(channel_url);
      const gone = page.getByTestId('chat-gone');
      await gone.getByRole('heading', { name: t.gone_member }).waitFor();
      await page.waitForTimeout(1000);
      if (await page.locator('.chat .loading').count()) throw new Error('a spinner is still there');
      const centred = await gone.evaluate((el) => {
        const r = el.getBoundingClientRect();
        const pane = el.closest('.pane, main')?.getBoundingClientRect() ?? { left: 0, right: innerWidth };
        return Math.abs((r.left + r.right) / 2 - (pane.left + pane.right) / 2) < 24;
      });
      if (!centred) throw new Error('the state is not centred in its pane');
      // Said once, in the pane: the sidebar does not repeat a raw « not found ».
      if (await page.locator('.sidebar [role=alert], .sidebar .form-error').count()) throw new Error('the sidebar shows an error too');
      await page.goto(base + `/c/${slug}`);
      await page.getByTestId('chat-gone').getByRole('heading', { name: t.gone_member }).waitFor();
      await page.goto(channel_url);
      await gone.waitFor();
      await a11y(page, 'removed member on an old channel link');
      await shot(page, `phone-chat-${lang}-09-removed-member-laptop`);
    });

    await check('the delete left alone reached everyone when its toast had gone; the one undone never left', async () => {
      await host.locator('.messages .msg--deleted').first().waitFor(); // live, on the host's open channel
      if (await host.locator(`.messages [data-id="${gone_id}"]`).count()) throw new Error('the host still sees the deleted message');
      const latest = (await call(host_ctx, base, 'GET', `/channels/${first.id}/messages?limit=30`)).messages;
      if (!latest.find((x) => x.id === gone_id)?.deleted) throw new Error('the deleted message is not deleted on the server');
      if (latest.find((x) => x.id === kept)?.deleted !== false) throw new Error('the message whose delete was undone is deleted (or gone)');
    });

    await check('bug 7: an archived channel shows why there is no composer (phone)', async () => {
      await guest.goto(`${base}/c/${slug}/ch/${old.id}`);
      await guest.getByTestId('archived-note').filter({ hasText: t.archived_note }).waitFor();
      if (await box(guest).count()) throw new Error('the archived channel still has a message box');
      await a11y(guest, 'archived channel (phone)');
      await shot(guest, `phone-chat-${lang}-10-archived-phone`);
    });

    await check('typing: « Julie écrit… » shows on the other side, and goes when her message arrives', async () => {
      await guest.goto(channel_url);
      await box(guest).waitFor();
      await host.goto(channel_url);
      await box(host).waitFor();
      await guest.waitForTimeout(500); // both streams open
      await box(guest).pressSequentially(lang === 'fr' ? 'J’arrive' : 'On my way', { delay: 30 });
      const line = host.getByTestId('typing');
      await line.filter({ hasText: t.typing(t.guest) }).waitFor();
      await shot(host, `phone-chat-${lang}-11-typing-laptop`);
      await guest.getByRole('button', { name: t.send }).click();
      await msg(host, lang === 'fr' ? 'J’arrive' : 'On my way').waitFor();
      await line.filter({ hasText: t.typing(t.guest) }).waitFor({ state: 'detached', timeout: 2000 });
    });
  } catch (e) {
    console.log(`  phone chat ${lang} stopped: ${e.message}`);
    await shot(guest, `phone-chat-${lang}-zz-stopped-guest`).catch(() => {});
    results.failed += 1;
    results.failures.push(`phone chat ${lang}: set-up`);
  } finally {
    await host_ctx.close();
    await guest_ctx.close();
    await third_ctx.close();
  }
}

/** Issue 10's phone chat, in French then English (called from run.mjs's main). */
export async function phone_chat(browser, server) {
  for (const lang of ['fr', 'en']) {
    console.log(`phone chat (${lang})`);
    await one_language(browser, server, lang);
  }
}
