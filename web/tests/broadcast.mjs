// Issue 12's broadcast, in the browser: a host makes a broadcast room, posts, and asks a poll;
// Julie (on a phone) cannot post there (she is told why), reacts, votes, and then sees the
// results; the host's screen counts her vote live; Marc, who has not voted, sees no results.
// French then English, screenshots at both sizes, axe on each screen.
import { a11y, results, shot, shots, three_people } from './harness.mjs';

const T = {
  fr: {
    locale: 'fr-CA', accept_language: 'fr-CA,fr', host: 'Ana Roy', guest: 'Julie Gagnon', third: 'Marc Côté', community: 'Les Fans du Trio',
    channel_name: 'Nom du canal', kind: 'Genre de salon', kind_broadcast: 'Diffusion : les hôtes publient, les membres lisent et réagissent', create_channel: 'Créer le canal',
    room: 'annonces', message: 'Message', send: 'Envoyer', news: 'Le trio joue samedi au Quai!', note: 'Ici, seuls les hôtes publient.',
    new_poll: 'Nouveau sondage', question: 'Question', choice: (n) => `Choix ${n}`, publish: 'Publier le sondage', q: 'Quel rappel samedi?', a: 'Harmonium', b: 'Le Reel du pendu',
    after_vote: 'Les résultats s’affichent une fois que tu as voté.', one_vote: '1 vote, 100 %', react: 'Réagir', react_with: (e) => `Réagir avec ${e}`,
  },
  en: {
    locale: 'en-CA', accept_language: 'en-CA,en', host: 'Sam Hill', guest: 'Julie Grant', third: 'Mark Cole', community: 'Trio Fans',
    channel_name: 'Channel name', kind: 'Kind of room', kind_broadcast: 'Broadcast: hosts post, members read and react', create_channel: 'Create channel',
    room: 'news', message: 'Message', send: 'Send', news: 'The trio plays Saturday at the Harbour!', note: 'Here only hosts post.',
    new_poll: 'New poll', question: 'Question', choice: (n) => `Choice ${n}`, publish: 'Post the poll', q: 'Which encore on Saturday?', a: 'Harmonium', b: 'The Hangman’s Reel',
    after_vote: 'Results show once you have voted.', one_vote: '1 vote, 100%', react: 'React', react_with: (e) => `React with ${e}`,
  },
};


async function one_language(browser, server, lang) {
  const t = T[lang];
  const { base, slug, host, guest, third, check, close } = await three_people(browser, server, lang, t, 'broadcast');
  const msg = (page, text) => page.locator('.messages article.msg', { hasText: text });
  const poll = (page) => page.locator('.poll').first();

  try {
    let room_url = '';

    await check('a host makes a broadcast room and posts; a poll with two choices', async () => {
      await host.goto(`${base}/c/${slug}/host`);
      await host.getByLabel(t.channel_name, { exact: true }).fill(t.room);
      await host.getByLabel(t.kind).selectOption({ label: t.kind_broadcast });
      await host.getByRole('button', { name: t.create_channel }).click();
      await host.locator('.sidebar .channel', { hasText: t.room }).click();
      room_url = host.url();
      await host.getByLabel(t.message, { exact: true }).fill(t.news);
      await host.getByRole('button', { name: t.send }).click();
      await msg(host, t.news).waitFor();
      await host.getByRole('button', { name: t.new_poll }).click();
      const sheet = host.getByTestId('sheet-poll').getByRole('dialog');
      await sheet.getByLabel(t.question).fill(t.q);
      await sheet.getByLabel(t.choice(1)).fill(t.a);
      await sheet.getByLabel(t.choice(2)).fill(t.b);
      await a11y(host, 'new poll sheet');
      await sheet.getByRole('button', { name: t.publish }).click();
      await poll(host).waitFor();
    });

    await check('Julie, on her phone, cannot post there and is told why; she reacts, votes and sees the results', async () => {
      await guest.goto(room_url);
      await guest.getByTestId('broadcast-note').filter({ hasText: t.note }).waitFor();
      if (await guest.getByLabel(t.message, { exact: true }).count()) throw new Error('a member has a composer in a broadcast');
      await poll(guest).getByText(t.after_vote).waitFor();
      await a11y(guest, 'broadcast before voting');
      await poll(guest).getByRole('button', { name: t.a }).click();
      await poll(guest).getByTestId('poll-result').first().filter({ hasText: t.one_vote }).waitFor();
      await shots(guest, `broadcast-${lang}-01-voted`);
    });

    await check('the host’s screen counts the vote live; Marc, who has not voted, sees no results', async () => {
      await poll(host).getByTestId('poll-result').first().filter({ hasText: t.one_vote }).waitFor();
      await third.goto(room_url);
      await poll(third).getByRole('button', { name: t.b }).waitFor();
      if (await poll(third).getByTestId('poll-result').count()) throw new Error('results shown to someone who has not voted');
      await a11y(third, 'broadcast for a member who has not voted');
      await shot(host, `broadcast-${lang}-02-host-laptop`);
    });
  } catch (e) {
    console.log(`  broadcast ${lang} stopped: ${e.message}`);
    results.failed += 1;
    results.failures.push(`broadcast ${lang}: set-up`);
  } finally {
    await close();
  }
}

/** Issue 12's broadcast and polls, in French then English (called from run.mjs). */
export async function broadcast_story(browser, server) {
  for (const lang of ['fr', 'en']) {
    console.log(`broadcast (${lang})`);
    await one_language(browser, server, lang);
  }
}
