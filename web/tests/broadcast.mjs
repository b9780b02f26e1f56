// Issue 12's broadcast, in the browser: a host makes a broadcast room, posts, and asks a poll;
// Julie (on a phone) cannot post there (she is told why), reacts, votes, and then sees the
// results; the host's screen counts her vote live; Marc, who has not voted, sees no results. A
// poll that closes a few seconds later closes live on every screen. The host asks a question:
// Julie answers privately, Marc never sees it, the host reads it and answers her back in a
// private conversation. Julie mutes the room.
// French then English, screenshots at both sizes, axe on each screen.
import { a11y, results, shot, shots, three_people } from './harness.mjs';

const T = {
  fr: {
    locale: 'fr-CA', accept_language: 'fr-CA,fr', host: 'Ana Roy', guest: 'Julie Gagnon', third: 'Marc Côté', community: 'Les Fans du Trio',
    channel_name: 'Nom du canal', kind: 'Genre de salon', kind_broadcast: 'Diffusion : les hôtes publient, les membres lisent et réagissent', create_channel: 'Créer le canal',
    room: 'annonces', message: 'Message', send: 'Envoyer', news: 'Le trio joue samedi au Quai!', note: 'Ici, seuls les hôtes publient.',
    new_poll: 'Nouveau sondage', question: 'Question', choice: (n) => `Choix ${n}`, publish: 'Publier le sondage', q: 'Quel rappel samedi?', a: 'Harmonium', b: 'Le Reel du pendu',
    after_vote: 'Les résultats s’affichent une fois que tu as voté.', one_vote: '1 vote, 100 %', react: 'Réagir', react_with: (e) => `Réagir avec ${e}`,
    quick_q: 'On se retrouve avant le show?', yes: 'Oui', no: 'Non', closed: 'fermé',
    mute: 'Mettre en sourdine', unmute: 'Réactiver', later: 'Les portes ouvrent à 19 h.',
    new_prompt: 'Nouvelle question', prompt_q: 'Ta question', ask: 'Poser la question', pq: 'Quelle chanson veux-tu entendre en rappel?',
    your_answer: 'Ta réponse', to_hosts: 'Envoyer aux hôtes', julie_says: 'Le Reel du pendu, pour danser!', one_answer: '1 réponse',
    see_answers: 'Voir les réponses', reply: 'Répondre en privé', reply_to: (n) => `Ton message à ${n}`, send_reply: 'Envoyer', thanks: 'Merci Julie, on la garde pour la fin!',
  },
  en: {
    locale: 'en-CA', accept_language: 'en-CA,en', host: 'Sam Hill', guest: 'Julie Grant', third: 'Mark Cole', community: 'Trio Fans',
    channel_name: 'Channel name', kind: 'Kind of room', kind_broadcast: 'Broadcast: hosts post, members read and react', create_channel: 'Create channel',
    room: 'news', message: 'Message', send: 'Send', news: 'The trio plays Saturday at the Harbour!', note: 'Here only hosts post.',
    new_poll: 'New poll', question: 'Question', choice: (n) => `Choice ${n}`, publish: 'Post the poll', q: 'Which encore on Saturday?', a: 'Harmonium', b: 'The Hangman’s Reel',
    after_vote: 'Results show once you have voted.', one_vote: '1 vote, 100%', react: 'React', react_with: (e) => `React with ${e}`,
    quick_q: 'Meet before the show?', yes: 'Yes', no: 'No', closed: 'closed',
    mute: 'Mute', unmute: 'Unmute', later: 'Doors open at 7 pm.',
    new_prompt: 'New question', prompt_q: 'Your question', ask: 'Ask the members', pq: 'Which song do you want for the encore?',
    your_answer: 'Your answer', to_hosts: 'Send to the hosts', julie_says: 'The Hangman’s Reel, to dance!', one_answer: '1 answer',
    see_answers: 'See the answers', reply: 'Answer privately', reply_to: (n) => `Your message to ${n}`, send_reply: 'Send', thanks: 'Thanks Julie, we keep it for last!',
  },
};


async function one_language(browser, server, lang) {
  const t = T[lang];
  const { base, slug, host, guest, third, check, call, close } = await three_people(browser, server, lang, t, 'broadcast');
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

    await check('a poll that closes in a few seconds: Julie votes, then it closes live on both screens', async () => {
      const channel_id = Number(/\/ch\/(\d+)/.exec(room_url)[1]);
      const closes_at = new Date(Date.now() + 6000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      await call('host', 'POST', `/channels/${channel_id}/polls`, { question: t.quick_q, options: [t.yes, t.no], closes_at });
      // A poll's card is labelled by its question, which is the message above it.
      const quick = (page) => page.getByRole('region', { name: t.quick_q });
      await quick(guest).getByRole('button', { name: t.yes }).click();
      await quick(guest).getByTestId('poll-result').first().filter({ hasText: t.one_vote }).waitFor();
      for (const page of [guest, host]) await page.locator(`.poll--closed[aria-label$="${t.quick_q}"]`).waitFor({ timeout: 20000 });
      await quick(guest).getByText(t.closed, { exact: false }).first().waitFor();
      if (await quick(guest).getByRole('button', { name: t.no }).count()) throw new Error('a closed poll still takes votes');
      await shots(guest, `broadcast-${lang}-03-closed`);
    });

    await check('the host asks a question; Julie answers privately; Marc sees no answer; the host’s count moves live', async () => {
      await host.getByRole('button', { name: t.new_prompt }).click();
      const sheet = host.getByTestId('sheet-prompt').getByRole('dialog');
      await sheet.getByLabel(t.prompt_q).fill(t.pq);
      await a11y(host, 'new question sheet');
      await sheet.getByRole('button', { name: t.ask }).click();
      const prompt = (page) => page.getByRole('region', { name: t.pq });
      await prompt(host).waitFor();
      await prompt(guest).getByLabel(t.your_answer).fill(t.julie_says);
      await a11y(guest, 'a question to answer');
      await prompt(guest).getByRole('button', { name: t.to_hosts }).click();
      await prompt(guest).getByTestId('my-answer').filter({ hasText: t.julie_says }).waitFor();
      await prompt(host).getByTestId('prompt-count').filter({ hasText: t.one_answer }).waitFor();
      await prompt(third).getByLabel(t.your_answer).waitFor();
      if (await third.getByText(t.julie_says).count()) throw new Error('a member sees another member’s answer');
      await shots(guest, `broadcast-${lang}-04-answered`);
    });

    await check('the host reads the answer and answers Julie back privately; she finds it in her private messages', async () => {
      await host.getByRole('region', { name: t.pq }).getByRole('button', { name: t.see_answers }).click();
      const sheet = host.getByTestId('sheet-answers').getByRole('dialog');
      await sheet.getByTestId('answer').filter({ hasText: t.julie_says }).filter({ hasText: t.guest }).waitFor();
      await sheet.getByRole('button', { name: t.reply }).click();
      await sheet.getByLabel(t.reply_to(t.guest)).fill(t.thanks);
      await a11y(host, 'answers sheet');
      await shot(host, `broadcast-${lang}-05-answers-laptop`);
      await sheet.getByRole('button', { name: t.send_reply, exact: true }).click();
      await host.keyboard.press('Escape');
      await guest.goto(`${base}/c/${slug}`);
      await guest.locator('.sidebar .channel', { hasText: t.host }).click();
      await guest.locator('.messages article.msg', { hasText: t.thanks }).filter({ hasText: t.julie_says }).waitFor();
      await shots(guest, `broadcast-${lang}-06-reply`);
    });

    await check('Julie mutes the broadcast: its new posts no longer call for her attention', async () => {
      await guest.goto(room_url);
      await guest.getByRole('button', { name: t.mute }).click();
      await guest.getByRole('button', { name: t.unmute }).waitFor();
      await guest.goto(`${base}/c/${slug}`);
      await host.getByLabel(t.message, { exact: true }).fill(t.later);
      await host.getByRole('button', { name: t.send }).click();
      await msg(host, t.later).waitFor();
      await guest.locator('.sidebar .channel.channel--muted', { hasText: t.room }).waitFor();
      await a11y(guest, 'a muted broadcast in the sidebar');
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
