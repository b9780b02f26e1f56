// Issue 12's direct messages, in the browser: Julie (on a phone) writes privately to Marc from
// the sidebar; it shows up live in Marc's private messages with its unread badge; he answers;
// their host sees none of it. Then a group of three with a name, and Marc leaving it. French
// then English, screenshots at both sizes, axe on each screen.
import { a11y, confirm_sheet, results, shot, shots, three_people } from './harness.mjs';

const T = {
  fr: {
    locale: 'fr-CA', accept_language: 'fr-CA,fr', host: 'Ana Roy', guest: 'Julie Gagnon', third: 'Marc Côté', community: 'La Chorale du Quai',
    conversations: 'Messages privés', new: '+ Nouveau', write: 'Écrire', message: 'Message', send: 'Envoyer', group_name: 'Nom du groupe', group: 'Les altos',
    start_group: 'Créer le groupe (2 personnes)', hello: 'Salut Marc, tu viens à la pratique?', answer: 'Oui, j’arrive à 19 h!', in_group: 'Qui apporte les partitions?',
    leave: 'Quitter', private_room: 'conversation privée', back: 'Retour',
    allow: 'Les membres peuvent s’écrire en privé', saved: 'C’est enregistré.', off: 'Les hôtes ont fermé les messages privés dans cette communauté.',
  },
  en: {
    locale: 'en-CA', accept_language: 'en-CA,en', host: 'Sam Hill', guest: 'Julie Grant', third: 'Mark Cole', community: 'Harbour Choir',
    conversations: 'Private messages', new: '+ New', write: 'Write', message: 'Message', send: 'Send', group_name: 'Group name', group: 'The altos',
    start_group: 'Start the group (2 people)', hello: 'Hi Mark, coming to practice?', answer: 'Yes, I’ll be there at 7!', in_group: 'Who brings the sheet music?',
    leave: 'Leave', private_room: 'private conversation', back: 'Back',
    allow: 'Members can write to each other privately', saved: 'All saved.', off: 'The hosts turned private messages off in this community.',
  },
};


async function one_language(browser, server, lang) {
  const t = T[lang];
  const { base, slug, host, guest, third, check, call, close } = await three_people(browser, server, lang, t, 'dm');
  const dm_link = (page, text) => page.locator('.sidebar .channel', { hasText: text });
  const msg = (page, text) => page.locator('.messages article.msg', { hasText: text });

  try {
    await call('host', 'POST', `/communities/${slug}/channels`, { name: lang === 'fr' ? 'jasette' : 'chat' });
    await third.goto(`${base}/c/${slug}`);
    await host.goto(`${base}/c/${slug}`);
    await third.getByRole('heading', { name: t.conversations }).waitFor();

    await check('Julie writes privately to Marc from the sidebar; it appears live in Marc’s, with a badge', async () => {
      await guest.goto(`${base}/c/${slug}`);
      await guest.getByRole('button', { name: t.new }).click();
      const sheet = guest.getByTestId('sheet-people').getByRole('dialog');
      await sheet.getByLabel(t.third).check();
      await a11y(guest, 'new conversation sheet');
      await sheet.getByRole('button', { name: t.write, exact: true }).click();
      await guest.getByText(t.private_room).waitFor();
      await guest.getByLabel(t.message, { exact: true }).fill(t.hello);
      await guest.getByRole('button', { name: t.send }).click();
      await msg(guest, t.hello).waitFor();
      await dm_link(third, t.guest).getByTestId('unread').filter({ hasText: '1' }).waitFor();
      await shots(guest, `dm-${lang}-01-direct`);
    });

    await check('Marc answers; the host sees none of it', async () => {
      await dm_link(third, t.guest).click();
      await msg(third, t.hello).waitFor();
      await third.getByLabel(t.message, { exact: true }).fill(t.answer);
      await third.getByRole('button', { name: t.send }).click();
      await msg(guest, t.answer).waitFor();
      await a11y(third, 'direct conversation');
      await host.waitForTimeout(300);
      if (await dm_link(host, t.guest).count()) throw new Error('the host sees their conversation');
      if (await dm_link(host, t.third).count()) throw new Error('the host sees their conversation');
    });

    await check('Julie starts a group with a name; it reaches both; Marc leaves it and it goes', async () => {
      await guest.getByRole('link', { name: t.back }).click();
      await guest.getByRole('button', { name: t.new }).click();
      const sheet = guest.getByTestId('sheet-people').getByRole('dialog');
      await sheet.getByLabel(t.third).check();
      await sheet.getByLabel(t.host).check();
      await sheet.getByLabel(t.group_name).fill(t.group);
      await sheet.getByRole('button', { name: t.start_group }).click();
      await guest.getByRole('heading', { name: t.group }).waitFor();
      await guest.getByLabel(t.message, { exact: true }).fill(t.in_group);
      await guest.getByRole('button', { name: t.send }).click();
      await dm_link(host, t.group).waitFor();
      await dm_link(third, t.group).click();
      await msg(third, t.in_group).waitFor();
      await shot(third, `dm-${lang}-02-group-laptop`);
      await third.getByRole('button', { name: t.leave, exact: true }).click();
      await confirm_sheet(third, t.leave);
      await dm_link(third, t.group).waitFor({ state: 'detached' });
      await dm_link(third, t.guest).waitFor(); // the direct one stays
    });

    await check('the host turns private messages off: starting one says why, in the sheet', async () => {
      await host.goto(`${base}/c/${slug}/host`);
      await host.getByLabel(t.allow).uncheck();
      await host.getByText(t.saved).waitFor(); // the server took it
      await a11y(host, 'host tools with private messages');
      await guest.goto(`${base}/c/${slug}`);
      await guest.getByRole('button', { name: t.new }).click();
      const sheet = guest.getByTestId('sheet-people').getByRole('dialog');
      await sheet.getByLabel(t.host).check();
      await sheet.getByRole('button', { name: t.write, exact: true }).click();
      await sheet.getByRole('alert').filter({ hasText: t.off }).waitFor();
      await shot(guest, `dm-${lang}-03-turned-off-phone`);
    });
  } catch (e) {
    console.log(`  dm ${lang} stopped: ${e.message}`);
    results.failed += 1;
    results.failures.push(`dm ${lang}: set-up`);
  } finally {
    await close();
  }
}

/** Issue 12's direct messages and groups, in French then English (called from run.mjs). */
export async function conversations_story(browser, server) {
  for (const lang of ['fr', 'en']) {
    console.log(`direct messages (${lang})`);
    await one_language(browser, server, lang);
  }
}
