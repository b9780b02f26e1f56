// Issue 13's search, in the browser, French then English (each cast's accounts in that language):
// Julie, on a phone, opens the search from the top bar (its empty state), types a word without
// its accents, then with them, one letter at a time (one request after the pause): the results
// show their room, author and the matched words in <mark>; a tap opens the room at that message,
// far above its latest page, lit up. Marc, on a laptop, opens it with Ctrl+K (and « / »), finds a
// reply (its thread opens, the reply lit up) and a comment (its post opens), loads more results,
// filters by room and author, sorts by date, and by dates; a word found nowhere says so, and
// punctuation alone is refused in words. Screenshots of each state, axe on each screen.
import { a11y, results, shot, three_people } from './harness.mjs';
import { png } from './files.mjs';

const T = {
  fr: {
    locale: 'fr-CA', accept_language: 'fr-CA,fr',
    host: 'Ana Roy', guest: 'Julie Gagnon', third: 'Marc Côté', community: 'Le Quai des Saisons',
    channel: 'jasette', board: 'babillard', other: 'annonces', news: 'La billetterie ouvre vendredi', news_word: 'billetterie',
    target: 'L’été au Québec, c’est magnifique', filler: (n) => `Petit mot numéro ${n} sur le quai`, many: 'quai',
    word: 'ete', word_marked: 'été', post_title: 'Horaire de l’été', post_body: 'Le spectacle commence à 20 h', photo: 'ete-au-quai.png',
    plain: 'quebec', accented: 'Québec',
    parent: 'Qui vient au spectacle jeudi?', reply: 'Moi! J’apporte la glacière', reply_word: 'glaciere', reply_marked: 'glacière',
    comment: 'J’apporte des chaises pliantes', comment_word: 'chaises', comment_on: 'Sur « Horaire de l’été »',
    open: 'Rechercher', sheet_title: 'Rechercher dans Le Quai des Saisons', field: 'Mots à chercher', hint: 'Cherche dans les messages',
    filters: 'Filtres', room: 'Dans', author: 'Par', from: 'À partir du', to: 'Jusqu’au', sort: 'Trier par', newest: 'Plus récents d’abord',
    more: 'Voir plus de résultats', at_least: 'Au moins 20 résultats', none: 'Aucun résultat pour « zygomatruc ».',
    needs_words: 'Écris au moins un mot à chercher : les signes de ponctuation seuls ne trouvent rien.',
    thread: 'Fil de discussion', reply_kind: 'Réponse dans un fil',
  },
  en: {
    locale: 'en-CA', accept_language: 'en-CA,en',
    host: 'Sam Hill', guest: 'Julie Grant', third: 'Mark Cole', community: 'Seasons Dock',
    channel: 'chat', board: 'board', other: 'news', news: 'The box office opens on Friday', news_word: 'office',
    target: 'Summer at the Café in Québec is wonderful', filler: (n) => `Little note number ${n} from the dock`, many: 'dock',
    word: 'cafe', word_marked: 'Café', post_title: 'Café summer schedule', post_body: 'The show starts at 8 pm', photo: 'cafe-terrace.png',
    plain: 'quebec', accented: 'Québec',
    parent: 'Who is coming to the show on Thursday?', reply: 'Me! I’ll bring the crème brûlée', reply_word: 'creme', reply_marked: 'crème',
    comment: 'I’ll bring folding chairs', comment_word: 'chairs', comment_on: 'On “Café summer schedule”',
    open: 'Search', sheet_title: 'Search Seasons Dock', field: 'Words to search for', hint: 'Search the community’s messages',
    filters: 'Filters', room: 'In', author: 'By', from: 'From', to: 'Until', sort: 'Sort by', newest: 'Newest first',
    more: 'Show more results', at_least: 'At least 20 results', none: 'No results for “zygomatruc”.',
    needs_words: 'Type at least one word to search for: punctuation alone finds nothing.',
    thread: 'Thread', reply_kind: 'Reply in a thread',
  },
};

/** How many messages come after the one searched for: more than the room's first page (50). */
const FILLERS = 70;

/** The day `days` from today on the device, as a date input takes it. */
function day(days) {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Counts the search requests a page sends. */
function count_searches(page) {
  const seen = [];
  page.on('request', (r) => {
    if (/\/api\/v1\/communities\/[^/]+\/search\?/.test(r.url())) seen.push(new URL(r.url()).searchParams);
  });
  return seen;
}

/** Once the pause is over and the answer shown. */
async function settled(page) {
  await page.waitForTimeout(350);
  await page.locator('.search[data-phase=done]').waitFor();
}

/** Whether the element is wholly inside the scrolling box around it. */
function in_view(locator, box_selector) {
  return locator.evaluate((el, sel) => {
    const r = el.getBoundingClientRect();
    const v = (el.closest(sel) ?? document.documentElement).getBoundingClientRect();
    return r.top >= v.top - 1 && r.bottom <= v.bottom + 1 && r.height > 0;
  }, box_selector);
}

async function one_language(browser, server, lang) {
  const t = T[lang];
  const { base, slug, host, guest, third, check, call, close } = await three_people(browser, server, lang, t, 'search');
  try {
    // ---- The community's history, through the API.
    const { channel } = await call('host', 'POST', `/communities/${slug}/channels`, { name: t.channel });
    const { channel: board } = await call('host', 'POST', `/communities/${slug}/channels`, { name: t.board, kind: 'board' });
    const { channel: other } = await call('host', 'POST', `/communities/${slug}/channels`, { name: t.other });
    const { message: news } = await call('host', 'POST', `/channels/${other.id}/messages`, { body: t.news });
    const { message: target } = await call('guest', 'POST', `/channels/${channel.id}/messages`, { body: t.target });
    for (let n = 1; n <= FILLERS; n++) await call('host', 'POST', `/channels/${channel.id}/messages`, { body: t.filler(n) });
    const { message: parent } = await call('host', 'POST', `/channels/${channel.id}/messages`, { body: t.parent });
    const { message: reply } = await call('third', 'POST', `/channels/${channel.id}/messages`, { body: t.reply, parent_id: parent.id });
    const up = await guest.context().request.post(`${base}/api/v1/communities/${slug}/files?name=${encodeURIComponent(t.photo)}`, {
      headers: { Origin: base, 'X-Requested-With': 'petitesalle', 'Content-Type': 'image/png' },
      data: png(320, 240),
    });
    if (up.status() !== 201 && up.status() !== 200) throw new Error(`upload: ${up.status()} ${await up.text()}`);
    const { file } = await up.json();
    const { message: last } = await call('guest', 'POST', `/channels/${channel.id}/messages`, { body: '📷', file_ids: [file.id] });
    const { post } = await call('host', 'POST', `/channels/${board.id}/posts`, { title: t.post_title, body: t.post_body });
    const { comment } = await call('guest', 'POST', `/posts/${post.id}/comments`, { body: t.comment });
    // Both have read the room: it opens at its latest page, far below the message searched for.
    for (const who of ['guest', 'third']) {
      await call(who, 'POST', `/channels/${channel.id}/read`, { seq: last.seq });
      await call(who, 'POST', `/channels/${other.id}/read`, { seq: news.seq });
    }
    const home = `${base}/c/${slug}`;
    const sheet = (page) => page.getByTestId('search').getByRole('dialog', { name: t.sheet_title });
    const box = (page) => sheet(page).getByLabel(t.field);
    const hits = (page) => sheet(page).locator('[data-testid=search-results] .hit');
    const marks = async (page) => (await sheet(page).locator('[data-testid=search-results] .hit__snippet mark').allInnerTexts()).map((s) => s.trim());
    const guest_searches = count_searches(guest);
    const third_searches = count_searches(third);

    await check('Julie opens the search from the top bar of her phone: the empty state says what it searches', async () => {
      await guest.goto(home);
      await guest.getByRole('button', { name: t.open, exact: true }).click();
      await sheet(guest).waitFor();
      if ((await guest.evaluate(() => document.activeElement?.id)) !== 'search-q') throw new Error('the focus is not in the search box');
      await sheet(guest).getByTestId('search-empty').getByText(t.hint).waitFor();
      const size = await sheet(guest).evaluate((el) => [el.getBoundingClientRect().width, el.getBoundingClientRect().height]);
      if (size[0] < 389 || size[1] < 800) throw new Error(`the sheet is not the whole phone screen: ${size}`);
      await a11y(guest, 'search, empty');
      await shot(guest, `search-${lang}-01-empty-phone`);
    });

    await check(`she types « ${t.word} » without its accents: results with « ${t.word_marked} » marked, their room and author`, async () => {
      await box(guest).fill(t.word);
      await hits(guest).first().waitFor();
      const found = await marks(guest);
      if (!found.includes(t.word_marked)) throw new Error(`marks: ${JSON.stringify(found)}`);
      const message_hit = hits(guest).filter({ hasText: t.target.slice(0, 12) });
      if (!(await message_hit.locator('.hit__room').innerText()).includes(t.channel)) throw new Error('no room name on the message result');
      if ((await message_hit.locator('.hit__author').innerText()) !== t.guest) throw new Error('no author on the message result');
      await hits(guest).filter({ hasText: t.post_title.slice(0, 6) }).filter({ has: guest.locator('.hit__room', { hasText: t.board }) }).first().waitFor();
      const photo = hits(guest).filter({ has: guest.locator(`img[src="${file.thumbnail_url}"]`) });
      if ((await photo.count()) !== 1) throw new Error('the photo has no result with its thumbnail');
      // The snippet is HTML, but only <mark>: the rest is text.
      const tags = await sheet(guest).locator('.hit__snippet *').evaluateAll((els) => [...new Set(els.map((e) => e.tagName))]);
      if (tags.some((x) => x !== 'MARK')) throw new Error(`snippets hold ${tags}`);
      await a11y(guest, 'search results');
      await shot(guest, `search-${lang}-02-results-phone`);
    });

    await check(`« ${t.plain} » typed letter by letter, and « ${t.accented} »: one request after the pause, the same message found`, async () => {
      for (const words of [t.plain, t.accented]) {
        await box(guest).fill('');
        await sheet(guest).getByTestId('search-empty').waitFor();
        const before = guest_searches.length;
        await box(guest).pressSequentially(words, { delay: 40 });
        await hits(guest).filter({ hasText: t.target.slice(0, 12) }).waitFor();
        await guest.waitForTimeout(400);
        const sent = guest_searches.slice(before).map((p) => p.get('q'));
        if (sent.length !== 1 || sent[0] !== words) throw new Error(`typing « ${words} » sent ${JSON.stringify(sent)}`);
        const found = await marks(guest);
        if (!found.includes(t.accented)) throw new Error(`« ${words} »: marks ${JSON.stringify(found)}`);
      }
    });

    await check('a tap on the message opens its room at it, far above the latest page, lit up', async () => {
      await hits(guest).filter({ hasText: t.target.slice(0, 12) }).click();
      await sheet(guest).waitFor({ state: 'detached' });
      await guest.waitForURL(new RegExp(`/ch/${channel.id}\\?m=${target.seq}$`));
      const msg = guest.locator(`.messages [data-seq="${target.seq}"]`);
      await msg.and(guest.locator('.msg--found')).waitFor();
      if (!(await msg.innerText()).includes(t.target)) throw new Error('not the message searched for');
      if (!(await in_view(msg, '.messages'))) throw new Error('the message is not in view');
      await a11y(guest, 'room opened at a found message');
      await shot(guest, `search-${lang}-03-jump-phone`);
      // The light goes; the message stays where it is.
      await msg.and(guest.locator('.msg--found')).waitFor({ state: 'detached', timeout: 5000 });
      if (!(await in_view(msg, '.messages'))) throw new Error('the view moved off the message');
    });

    await check('from that room, a message of another room: that room opens at it; the photo, back in the first room at its message', async () => {
      await guest.getByRole('button', { name: t.open, exact: true }).click();
      await box(guest).fill(t.news_word);
      await hits(guest).filter({ hasText: t.news }).click();
      await guest.waitForURL(new RegExp(`/ch/${other.id}\\?m=${news.seq}$`));
      await guest.locator(`.messages [data-seq="${news.seq}"].msg--found`).waitFor();
      if ((await guest.locator('#chat-title').innerText()) !== `# ${t.other}`) throw new Error('not the other room');
      await guest.getByRole('button', { name: t.open, exact: true }).click();
      await box(guest).fill(t.word);
      await hits(guest).filter({ has: guest.locator(`img[src="${file.thumbnail_url}"]`) }).click();
      await guest.waitForURL(new RegExp(`/ch/${channel.id}\\?m=${last.seq}$`));
      const msg = guest.locator(`.messages [data-seq="${last.seq}"]`);
      await msg.and(guest.locator('.msg--found')).waitFor();
      await msg.locator(`.file-tile[data-file="${file.id}"]`).waitFor();
    });

    await check('Marc opens it with Ctrl+K on his laptop; Escape closes it and gives the focus back; « / » opens it too', async () => {
      await third.goto(`${home}/ch/${channel.id}`);
      await third.locator('.messages [data-seq]').first().waitFor();
      await third.getByRole('button', { name: t.open, exact: true }).focus();
      await third.keyboard.press('Control+K');
      await sheet(third).waitFor();
      await third.keyboard.press('Escape');
      await sheet(third).waitFor({ state: 'detached' });
      if ((await third.evaluate(() => document.activeElement?.dataset.testid)) !== 'search-open') throw new Error('the focus did not come back to the search button');
      await third.locator('.messages').focus();
      await third.keyboard.press('/');
      await sheet(third).waitFor();
      // The box keeps the slash out: it opened the search, it was not typed.
      if ((await box(third).inputValue()) !== '') throw new Error('the « / » was typed into the box');
    });

    await check('a reply found opens its thread, the reply lit up', async () => {
      await box(third).fill(t.reply_word);
      const hit = hits(third).filter({ hasText: t.reply_marked });
      await hit.waitFor();
      if (!(await hit.locator('.visually-hidden').first().textContent()).includes(t.reply_kind)) throw new Error('the result does not say it is a reply');
      await a11y(third, 'search results on a laptop');
      await shot(third, `search-${lang}-04-results-laptop`);
      await hit.click();
      await third.waitForURL(new RegExp(`/ch/${channel.id}\\?thread=${parent.id}&m=${reply.seq}$`));
      const lit = third.locator(`.thread [data-seq="${reply.seq}"].msg--found`);
      await lit.waitFor();
      await third.getByRole('heading', { name: t.thread }).waitFor();
      await shot(third, `search-${lang}-05-thread-laptop`);
    });

    await check('a comment found opens its post, the comment lit up', async () => {
      await third.keyboard.press('Control+K');
      await box(third).fill(t.comment_word);
      const hit = hits(third).filter({ hasText: t.comment_on });
      await hit.waitFor();
      await hit.click();
      await third.waitForURL(new RegExp(`/ch/${board.id}/p/${post.id}\\?comment=${comment.id}$`));
      await third.locator(`.comments [data-comment="${comment.id}"].comment--found`).waitFor();
      await a11y(third, 'post opened at a found comment');
      await shot(third, `search-${lang}-06-comment-laptop`);
    });

    await check('many results: « at least 20 », then more on demand', async () => {
      await third.keyboard.press('Control+K');
      await box(third).fill(t.many);
      await sheet(third).getByTestId('search-status').getByText(t.at_least).waitFor();
      if ((await hits(third).count()) !== 20) throw new Error(`${await hits(third).count()} results on the first page`);
      await sheet(third).getByRole('button', { name: t.more }).click();
      await third.waitForFunction(() => document.querySelectorAll('[data-testid=search-results] .hit').length === 40);
      const asked = third_searches.at(-1);
      if (asked.get('offset') !== '20' || asked.get('q') !== t.many) throw new Error(`more asked ${asked}`);
    });

    await check('filters: a room, an author, the newest first', async () => {
      await sheet(third).getByRole('button', { name: t.filters }).click();
      await box(third).fill(t.word);
      await settled(third);
      await sheet(third).getByLabel(t.room, { exact: true }).selectOption(String(board.id));
      await settled(third);
      const rooms = await sheet(third).locator('.hit__room').allInnerTexts();
      if (!rooms.length || rooms.some((r) => !r.includes(t.board))) throw new Error(`rooms with the board filter: ${rooms}`);
      if (third_searches.at(-1).get('channel_id') !== String(board.id)) throw new Error('channel_id not sent');
      await a11y(third, 'search with filters');
      await shot(third, `search-${lang}-07-filters-laptop`);
      await sheet(third).getByLabel(t.room, { exact: true }).selectOption('');
      const guest_id = target.author.id;
      await sheet(third).getByLabel(t.author, { exact: true }).selectOption(String(guest_id));
      await settled(third);
      const authors = await sheet(third).locator('.hit__author').allInnerTexts();
      if (!authors.length || authors.some((a) => a !== t.guest)) throw new Error(`authors with the author filter: ${authors}`);
      await sheet(third).getByLabel(t.author, { exact: true }).selectOption('');
      await box(third).fill(t.many);
      await sheet(third).getByLabel(t.sort).selectOption('newest');
      await settled(third);
      if (third_searches.at(-1).get('sort') !== 'newest') throw new Error('sort not sent');
      const times = await sheet(third).locator('.hit__time').evaluateAll((els) => els.map((e) => Date.parse(e.getAttribute('datetime'))));
      if (times.some((x, i) => i > 0 && x > times[i - 1])) throw new Error('not the newest first');
      await sheet(third).getByLabel(t.sort).selectOption('relevance');
    });

    await check('dates: from today keeps today’s messages, until yesterday finds none (sent in ms, the device’s days)', async () => {
      await sheet(third).getByLabel(t.from).fill(day(0));
      await settled(third);
      const p = third_searches.at(-1);
      if (!/^\d+$/.test(p.get('after') ?? '')) throw new Error(`after sent as ${p.get('after')}`);
      const said = await sheet(third).locator('.field__error, .form-error').allInnerTexts();
      if (said.length) throw new Error(`the server refused after=${p.get('after')}: « ${said[0]} »`);
      await hits(third).first().waitFor();
      await sheet(third).getByLabel(t.from).fill('');
      await sheet(third).getByLabel(t.to).fill(day(-1));
      await sheet(third).getByTestId('search-none').waitFor();
    });

    await check('a word found nowhere says so', async () => {
      await guest.getByRole('button', { name: t.open, exact: true }).click();
      await box(guest).fill('zygomatruc');
      await sheet(guest).getByTestId('search-none').getByText(t.none).waitFor();
      await a11y(guest, 'search, no results');
      await shot(guest, `search-${lang}-08-none-phone`);
    });

    await check('punctuation alone is refused, in words', async () => {
      await box(guest).fill('"*-');
      const alert = sheet(guest).getByRole('alert');
      await alert.waitFor();
      const said = (await alert.innerText()).trim();
      if (said !== t.needs_words) throw new Error(`the search says « ${said} »`);
      await a11y(guest, 'search refused');
      await shot(guest, `search-${lang}-09-refused-phone`);
    });
  } finally {
    await close();
  }
}

/** Issue 13's search, in French then English (called from run.mjs's main). */
export async function search_story(browser, server) {
  for (const lang of ['fr', 'en']) {
    console.log(`search (${lang})`);
    try {
      await one_language(browser, server, lang);
    } catch (e) {
      console.log(`  search ${lang} stopped: ${e.message}`);
      results.failed += 1;
      results.failures.push(`search ${lang}: set-up`);
    }
  }
}
