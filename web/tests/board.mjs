// Issue 12's board, in the browser: a host makes a board in the host tools; Julie (on a phone)
// writes a post; Marc (on a laptop) comments; the board shows what is new since the last
// visit, live; Julie replies to Marc; the host pins, reacts and closes the comments, each seen
// live on the other screens. French then English, screenshots at both sizes, axe on each screen.
import { a11y, results, shot, shots, three_people } from './harness.mjs';

const T = {
  fr: {
    locale: 'fr-CA', accept_language: 'fr-CA,fr',
    host: 'Ana Roy', guest: 'Julie Gagnon', third: 'Marc Côté', community: 'Les Ami·es du Quai',
    host_tools: 'Outils d’hôte', channel_name: 'Nom du canal', kind: 'Genre de salon', kind_board: 'Babillard : des publications et leurs commentaires', create_channel: 'Créer le canal',
    board: 'petites-annonces', new_post: 'Écrire une publication', title: 'Titre', body: 'Ta publication', publish: 'Publier', published: 'C’est publié!',
    post_title: 'Batteur recherché pour jeudi', post_body: 'On cherche un **batteur** pour le show de jeudi. Qui connaît quelqu’un?',
    comment_label: 'Ton commentaire', comment_send: 'Commenter', comment: 'Mon cousin Éric joue du drum!', reply: 'Répondre', reply_to: (n) => `Répondre à ${n}`, reply_text: 'Génial, tu peux lui demander?',
    new_one: '1 nouveau', new_mark: 'Nouveau', back_to_board: 'Retour au babillard', pin: 'Épingler', pinned: 'Épinglée', lock: 'Fermer les commentaires',
    locked_note: 'Les commentaires sont fermés sur cette publication.', react: 'Réagir', react_with: (e) => `Réagir avec ${e}`, comments_one: '1 commentaire', comments_two: '2 commentaires',
  },
  en: {
    locale: 'en-CA', accept_language: 'en-CA,en',
    host: 'Sam Hill', guest: 'Julie Grant', third: 'Mark Cole', community: 'Harbour Friends',
    host_tools: 'Host tools', channel_name: 'Channel name', kind: 'Kind of room', kind_board: 'Board: posts and their comments', create_channel: 'Create channel',
    board: 'classifieds', new_post: 'Write a post', title: 'Title', body: 'Your post', publish: 'Post', published: 'Posted!',
    post_title: 'Drummer wanted for Thursday', post_body: 'We need a **drummer** for Thursday’s show. Does anyone know someone?',
    comment_label: 'Your comment', comment_send: 'Comment', comment: 'My cousin Eric plays the drums!', reply: 'Reply', reply_to: (n) => `Reply to ${n}`, reply_text: 'Great, can you ask him?',
    new_one: '1 new', new_mark: 'New', back_to_board: 'Back to the board', pin: 'Pin', pinned: 'Pinned', lock: 'Close comments',
    locked_note: 'Comments are closed on this post.', react: 'React', react_with: (e) => `React with ${e}`, comments_one: '1 comment', comments_two: '2 comments',
  },
};


async function one_language(browser, server, lang) {
  const t = T[lang];
  const { base, slug, host, guest, third, check, close } = await three_people(browser, server, lang, t, 'board');
  const card = (page, text) => page.locator('.post-card', { hasText: text });
  const comment = (page, text) => page.locator('.comment', { hasText: text });

  try {
    let board_url = '';
    let post_url = '';

    await check('a host makes a board in the host tools, and it is listed as one', async () => {
      await host.goto(`${base}/c/${slug}/host`);
      await host.getByLabel(t.channel_name, { exact: true }).fill(t.board);
      await host.getByLabel(t.kind).selectOption({ label: t.kind_board });
      await host.getByRole('button', { name: t.create_channel }).click();
      const link = host.locator('.sidebar .channel', { hasText: t.board });
      await link.waitFor();
      if ((await link.locator('.channel__hash').textContent()) !== '▤') throw new Error('the board has no board mark in the sidebar');
      await link.click();
      await host.getByRole('button', { name: t.new_post }).waitFor();
      board_url = host.url();
      if (!/\/ch\/\d+$/.test(board_url)) throw new Error(`unexpected board url ${board_url}`);
    });

    await check('Julie writes a post on her phone; the host’s open board shows it live', async () => {
      await guest.goto(board_url);
      await guest.getByRole('button', { name: t.new_post }).click();
      await guest.getByLabel(t.title).fill(t.post_title);
      await guest.getByLabel(t.body, { exact: true }).fill(t.post_body);
      await a11y(guest, 'board new post form');
      await guest.getByRole('button', { name: t.publish, exact: true }).click();
      await guest.getByText(t.published).waitFor();
      await card(guest, t.post_title).locator('strong').waitFor(); // the Markdown, rendered
      await card(host, t.post_title).waitFor();
    });

    await check('Marc comments; Julie’s board shows « 1 new » on her post, live', async () => {
      await third.goto(board_url);
      await card(third, t.post_title).getByRole('link').first().click();
      await third.getByRole('heading', { name: t.post_title }).waitFor();
      post_url = third.url();
      await third.getByLabel(t.comment_label).fill(t.comment);
      await third.getByRole('button', { name: t.comment_send }).click();
      await comment(third, t.comment).waitFor();
      await card(guest, t.post_title).getByTestId('new-comments').filter({ hasText: t.new_one }).waitFor();
      await card(guest, t.post_title).getByText(t.comments_one).waitFor();
      await a11y(guest, 'board list');
      await shots(guest, `board-${lang}-01-list`);
    });

    await check('Julie opens it: Marc’s comment is marked new; she replies to it, one level down', async () => {
      await card(guest, t.post_title).getByRole('link').first().click();
      const marc = comment(guest, t.comment);
      await marc.getByText(t.new_mark, { exact: true }).waitFor();
      await marc.getByRole('button', { name: t.reply, exact: true }).click();
      await guest.getByLabel(t.reply_to(t.third), { exact: true }).fill(t.reply_text);
      await guest.getByRole('button', { name: t.comment_send }).click();
      await guest.locator('.comments--replies .comment', { hasText: t.reply_text }).waitFor();
      await third.locator('.comments--replies .comment', { hasText: t.reply_text }).waitFor(); // live for Marc
      await a11y(guest, 'post page');
      await shots(guest, `board-${lang}-02-post`);
    });

    await check('the host pins it and reacts; both show up live for Julie and Marc', async () => {
      await host.goto(post_url);
      await host.getByRole('button', { name: t.pin, exact: true }).click();
      await guest.locator('.post .tag--pinned', { hasText: t.pinned }).waitFor();
      await host.locator('.post').getByRole('button', { name: t.react, exact: true }).click();
      await host.getByRole('button', { name: t.react_with('👍') }).click();
      await third.locator('.post .reaction[data-emoji="👍"]').waitFor();
      await guest.getByRole('link', { name: t.back_to_board }).click();
      await card(guest, t.post_title).locator('.tag--pinned').waitFor();
      await card(guest, t.post_title).getByText(t.comments_two).waitFor();
    });

    await check('the host closes the comments: Marc’s form goes, live, and says why', async () => {
      await host.getByRole('button', { name: t.lock, exact: true }).click();
      await third.getByText(t.locked_note).waitFor();
      await third.getByLabel(t.comment_label).waitFor({ state: 'detached' });
      await a11y(third, 'locked post');
      await shot(third, `board-${lang}-03-locked-laptop`);
      await shot(host, `board-${lang}-04-host-laptop`);
    });
  } catch (e) {
    console.log(`  board ${lang} stopped: ${e.message}`);
    results.failed += 1;
    results.failures.push(`board ${lang}: set-up`);
  } finally {
    await close();
  }
}

/** Issue 12's board, in French then English (called from run.mjs's main). */
export async function board_story(browser, server) {
  for (const lang of ['fr', 'en']) {
    console.log(`board (${lang})`);
    await one_language(browser, server, lang);
  }
}
