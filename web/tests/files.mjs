// Issue 13's files and images, in the browser: Julie, on a phone, attaches a photo to a chat
// message (the chip shows its upload's progress and holds the send button until it is up), sends
// it with a few words; the photo's box has its size before the picture loads, here and live on
// Marc's laptop; the lightbox opens and closes with Escape (and its close button), the focus
// back on the photo. A text file shows as a row to download; a file whose bytes are not what its
// name says, and one too large, are refused on their chip in words, the typed text kept; a board
// post carries a photo; the host sees the space used. French then English, screenshots at phone
// size, axe on every screen.
import zlib from 'node:zlib';
import { a11y, results, shot, three_people } from './harness.mjs';

const T = {
  fr: {
    locale: 'fr-CA', accept_language: 'fr-CA,fr',
    host: 'Ana Roy', guest: 'Julie Gagnon', third: 'Marc Côté', community: 'Les Photos du Quai',
    channel: 'jasette', board: 'babillard',
    attach: 'Joindre des photos ou des fichiers', send: 'Envoyer', retry: 'Réessayer', remove: (n) => `Retirer ${n}`, uploading: (n) => `Envoi de ${n}`,
    open: (n) => `Agrandir ${n}`, close: 'Fermer', download: 'Télécharger', size_unit: /\d+(,\d)?\s?ko/,
    caption: 'Le quai au coucher du soleil', kept: 'Je garde ce texte, promis',
    mismatch: 'Le contenu de ce fichier ne correspond pas à son nom', too_large: 'Ce fichier est trop gros',
    new_post: 'Écrire une publication', title: 'Titre', publish: 'Publier', published: 'C’est publié!', post_title: 'Photos du show de jeudi',
    storage: 'Stockage', used: /\d+(,\d)?\s?(o|ko|Mo) utilisés/, files_count: /\d+ fichiers?/,
  },
  en: {
    locale: 'en-CA', accept_language: 'en-CA,en',
    host: 'Sam Hill', guest: 'Julie Grant', third: 'Mark Cole', community: 'Harbour Photos',
    channel: 'chat', board: 'board',
    attach: 'Attach photos or files', send: 'Send', retry: 'Try again', remove: (n) => `Remove ${n}`, uploading: (n) => `Uploading ${n}`,
    open: (n) => `Enlarge ${n}`, close: 'Close', download: 'Download', size_unit: /\d+(\.\d)?\s?kB/,
    caption: 'The harbour at sunset', kept: 'I keep this text, promise',
    mismatch: 'This file’s content does not match its name', too_large: 'This file is too large',
    new_post: 'Write a post', title: 'Title', publish: 'Post', published: 'Posted!', post_title: 'Photos of Thursday’s show',
    storage: 'Storage', used: /\d+(\.\d)?\s?(bytes|kB|MB) used/, files_count: /\d+ files?/,
  },
};

// ---- A real PNG, made here: a gradient of w × h pixels (zlib is node's own).

function crc32(buf) {
  let crc = 0xffffffff;
  for (const b of buf) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
export function png(w, h, hue = 0) {
  const head = Buffer.alloc(13);
  head.writeUInt32BE(w, 0);
  head.writeUInt32BE(h, 4);
  head[8] = 8; // 8 bits a channel
  head[9] = 2; // RGB
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = y * (w * 3 + 1) + 1 + x * 3;
      raw[o] = (200 + hue) % 256;
      raw[o + 1] = Math.round((x / w) * 160 + 40);
      raw[o + 2] = Math.round((1 - y / h) * 200 + 30);
    }
  }
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', head), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** Holds the requests matching `re` until release() (an upload, an image not loaded yet). */
async function hold(page, re) {
  let release;
  const gate = new Promise((r) => (release = r));
  const seen = [];
  await page.route(re, async (route) => {
    seen.push(route.request().url());
    await gate;
    await route.continue().catch(() => {});
  });
  let released = false;
  return {
    seen,
    release: async () => {
      if (released) return;
      released = true;
      release();
      await page.unroute(re).catch(() => {});
    },
  };
}

/** A tile's box and whether its picture has loaded. */
function tile_box(locator) {
  return locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const img = el.querySelector('img');
    return { width: r.width, height: r.height, loaded: !!img && img.complete && img.naturalWidth > 0 };
  });
}

async function one_language(browser, server, lang) {
  const t = T[lang];
  const { base, slug, host, guest, third, check, call, close } = await three_people(browser, server, lang, t, 'files');
  const PHOTO = { name: 'quai.png', mimeType: 'image/png', buffer: png(640, 480) };
  try {
    const { channel } = await call('host', 'POST', `/communities/${slug}/channels`, { name: t.channel });
    const { channel: board } = await call('host', 'POST', `/communities/${slug}/channels`, { name: t.board, kind: 'board' });
    const channel_url = `${base}/c/${slug}/ch/${channel.id}`;
    const composer = guest.locator('.chat > .composer');
    const chips = composer.getByTestId('chip');
    const send = composer.getByRole('button', { name: t.send, exact: true });
    const box = composer.getByLabel('Message', { exact: true });
    let image_tile_sel = '';

    await check('Julie attaches a photo: its chip shows it uploading, and the send button waits for it', async () => {
      await third.goto(channel_url);
      await guest.goto(channel_url);
      await composer.getByRole('button', { name: t.attach }).waitFor();
      // The upload is held back a moment, so its chip can be seen going up.
      const upload = await hold(guest, /\/api\/v1\/communities\/[^/]+\/files\?/);
      try {
        await composer.getByTestId('attach-input').setInputFiles(PHOTO);
        const chip = chips.filter({ hasText: 'quai.png' });
        await chip.waitFor();
        if ((await chip.getAttribute('data-state')) !== 'uploading') throw new Error('the chip is not uploading');
        await chip.getByRole('progressbar', { name: t.uploading('quai.png') }).waitFor();
        if (!t.size_unit.test(await chip.locator('.chip__size').innerText())) throw new Error(`size: ${await chip.locator('.chip__size').innerText()}`);
        await guest.waitForFunction(() => document.querySelector('.chip img.chip__thumb')?.naturalWidth > 0, null, { timeout: 5000 }).catch(() => {
          throw new Error('no picture of the chosen photo on its chip');
        });
        await box.fill(t.caption);
        if (!(await send.isDisabled())) throw new Error('send is possible while the photo uploads');
        await a11y(guest, 'composer with a photo uploading');
        await shot(guest, `files-${lang}-01-uploading-phone`);
        if (!upload.seen.length) throw new Error('the upload did not start at once');
      } finally {
        await upload.release();
      }
      await composer.locator('[data-testid=chip][data-state=done]').waitFor();
      await send.waitFor({ state: 'visible' });
      if (await send.isDisabled()) throw new Error('send stays disabled once the photo is up');
    });

    await check('she sends it: the photo shows in a box of its shape before it loads, live for Marc', async () => {
      // Marc's pictures wait: the box he sees is sized before any of them has loaded.
      const pictures = await hold(third, /\/api\/v1\/files\/\d+\/(thumbnail|preview)/);
      setTimeout(() => void pictures.release().catch(() => {}), 20000); // never left holding
      await send.click();
      await chips.first().waitFor({ state: 'detached' }); // sent: the chips go
      const mine = guest.locator('.messages article.msg', { hasText: t.caption });
      const tile = mine.locator('.file-tile');
      await tile.waitFor();
      const id = await tile.getAttribute('data-file');
      image_tile_sel = `.file-tile[data-file="${id}"]`;
      const img = tile.locator('img');
      if ((await img.getAttribute('alt')) !== 'quai.png') throw new Error('the alt text is not the file name');
      if ((await img.getAttribute('loading')) !== 'lazy') throw new Error('not loading="lazy"');
      const theirs = third.locator(`.messages ${image_tile_sel}`);
      await theirs.waitFor();
      const before = await tile_box(theirs);
      if (before.loaded) throw new Error('the picture was loaded already: nothing proven');
      if (Math.abs(before.width / before.height - 640 / 480) > 0.02 || before.width > 321 || before.width < 200) throw new Error(`box before load: ${before.width}×${before.height}`);
      await pictures.release();
      await third.waitForFunction((sel) => document.querySelector(sel + ' img')?.naturalWidth > 0, `.messages ${image_tile_sel}`);
      const after = await tile_box(theirs);
      if (Math.abs(after.width - before.width) > 0.5 || Math.abs(after.height - before.height) > 0.5) throw new Error(`the box moved when the picture came: ${before.width}×${before.height} → ${after.width}×${after.height}`);
      await guest.waitForFunction((sel) => document.querySelector(sel + ' img')?.naturalWidth > 0, `.messages ${image_tile_sel}`);
      const phone = await tile_box(tile);
      if (Math.abs(phone.width / phone.height - 640 / 480) > 0.02) throw new Error(`phone box ${phone.width}×${phone.height}`);
      await a11y(guest, 'chat with a photo');
      await shot(guest, `files-${lang}-02-photo-sent-phone`);
      await shot(third, `files-${lang}-03-photo-live-laptop`);
    });

    await check('a tap opens the lightbox (name, download); Escape closes it and the focus comes back', async () => {
      const tile = guest.locator(`.messages ${image_tile_sel}`);
      await tile.click();
      const dialog = guest.getByTestId('lightbox').getByRole('dialog', { name: 'quai.png' });
      await dialog.waitFor();
      const big = dialog.locator('img.lightbox__img');
      if (!/\/preview$/.test(await big.getAttribute('src'))) throw new Error('the lightbox does not show the preview');
      await guest.waitForFunction(() => document.querySelector('.lightbox__img')?.naturalWidth > 0);
      const link = dialog.getByRole('link', { name: new RegExp(t.download) });
      if (!/^\/api\/v1\/files\/\d+$/.test(await link.getAttribute('href'))) throw new Error(`download link ${await link.getAttribute('href')}`);
      await a11y(guest, 'lightbox');
      await shot(guest, `files-${lang}-04-lightbox-phone`);
      await guest.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      const back = await guest.evaluate(() => document.activeElement?.getAttribute('data-file'));
      if (`.file-tile[data-file="${back}"]` !== image_tile_sel) throw new Error(`the focus went to ${back}, not back to the photo`);
      // On the laptop: its close button.
      await third.locator(`.messages ${image_tile_sel}`).click();
      const theirs = third.getByTestId('lightbox').getByRole('dialog');
      await theirs.waitFor();
      await shot(third, `files-${lang}-05-lightbox-laptop`);
      await theirs.getByRole('button', { name: t.close }).click();
      await theirs.waitFor({ state: 'detached' });
    });

    await check('a text file, sent alone, is a row with its name and size to download', async () => {
      await composer.getByTestId('attach-input').setInputFiles({ name: 'horaire.txt', mimeType: 'text/plain', buffer: Buffer.from('Jeudi 20 h : le show.\nVendredi 18 h : le souper.\n'.repeat(40)) });
      await composer.locator('[data-testid=chip][data-state=done]').waitFor();
      await send.click();
      const row = guest.locator('.messages a.file-row', { hasText: 'horaire.txt' });
      await row.waitFor();
      if (!/^\/api\/v1\/files\/\d+$/.test(await row.getAttribute('href')) || (await row.getAttribute('download')) !== 'horaire.txt') throw new Error('not a download of the file');
      if (!t.size_unit.test(await row.locator('.file-row__size').innerText())) throw new Error(`size ${await row.locator('.file-row__size').innerText()}`);
      await third.locator('.messages a.file-row', { hasText: 'horaire.txt' }).waitFor();
      const r = await guest.context().request.get(base + (await row.getAttribute('href')));
      if (r.status() !== 200 || !(await r.text()).startsWith('Jeudi 20 h')) throw new Error(`download: ${r.status()}`);
      await a11y(guest, 'chat with a file');
    });

    await check('a file dropped on the room and an image pasted in the box become chips; taken off, their uploads are deleted', async () => {
      const png_bytes = [...png(32, 24, 120)];
      // A drag from the desktop, as the browser hands it to the page.
      const dropped = await guest.evaluateHandle((bytes) => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(bytes)], 'glisse.png', { type: 'image/png' }));
        return dt;
      }, png_bytes);
      const room = guest.locator('section.chat');
      await room.dispatchEvent('dragenter', { dataTransfer: dropped });
      await guest.locator('.drop-hint').waitFor();
      await room.dispatchEvent('drop', { dataTransfer: dropped });
      await guest.locator('.drop-hint').waitFor({ state: 'detached' });
      await chips.filter({ hasText: 'glisse.png' }).and(guest.locator('[data-state=done]')).waitFor();
      // A screenshot pasted: files and no text on the clipboard.
      await box.evaluate((el, bytes) => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(bytes)], 'capture.png', { type: 'image/png' }));
        el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
      }, png_bytes);
      await chips.filter({ hasText: 'capture.png' }).and(guest.locator('[data-state=done]')).waitFor();
      for (const name of ['glisse.png', 'capture.png']) {
        const [deleted] = await Promise.all([
          guest.waitForResponse((r) => r.request().method() === 'DELETE' && /\/api\/v1\/files\/\d+$/.test(r.url())),
          chips.filter({ hasText: name }).getByRole('button', { name: t.remove(name) }).click(),
        ]);
        if (deleted.status() !== 204) throw new Error(`DELETE ${name}: ${deleted.status()}`);
      }
      if (await chips.count()) throw new Error('chips left');
    });

    await check('a .png whose bytes are text is refused on its chip, in words; the typed text stays', async () => {
      await box.fill(t.kept);
      await composer.getByTestId('attach-input').setInputFiles({ name: 'faux.png', mimeType: 'image/png', buffer: Buffer.from('Ceci est du texte, pas une image. This is text, not an image.') });
      const chip = composer.locator('[data-testid=chip][data-state=failed]');
      await chip.waitFor();
      const said = await chip.getByRole('alert').innerText();
      if (!said.includes(t.mismatch)) throw new Error(`the chip says « ${said} »`);
      await chip.getByRole('button', { name: new RegExp(t.retry) }).waitFor();
      if ((await box.inputValue()) !== t.kept) throw new Error('the typed text was lost');
      if (!(await send.isDisabled())) throw new Error('send is possible with a refused file on the chip');
      // The box grew with the refusal: the latest message is still in sight (once the frame is
      // drawn: the history keeps its bottom in a ResizeObserver, which runs just before).
      await guest.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const last = await guest.locator('.messages a.file-row', { hasText: 'horaire.txt' }).evaluate((el) => {
        const r = el.getBoundingClientRect();
        const view = document.querySelector('.messages').getBoundingClientRect();
        return r.bottom <= view.bottom + 1 && r.top >= view.top - 1;
      });
      if (!last) {
        const m = await guest.evaluate(() => {
          const s = document.querySelector('.messages');
          const row = [...document.querySelectorAll('.messages a.file-row')].pop().getBoundingClientRect();
          const v = s.getBoundingClientRect();
          return { top: s.scrollTop, height: s.scrollHeight, client: s.clientHeight, row: [row.top, row.bottom], view: [v.top, v.bottom] };
        });
        throw new Error(`the latest message went out of sight when the chip grew ${JSON.stringify(m)}`);
      }
      await a11y(guest, 'composer with a refused file');
      await shot(guest, `files-${lang}-06-refused-phone`);
      await chip.getByRole('button', { name: t.remove('faux.png') }).click();
      await chip.waitFor({ state: 'detached' });
      if ((await box.inputValue()) !== t.kept) throw new Error('the typed text was lost with the chip');
      if (await send.isDisabled()) throw new Error('send stays disabled once the refused file is gone');
    });

    await check('a file over the upload limit is refused on its chip, the limit said; the text stays', async () => {
      await composer.getByTestId('attach-input').setInputFiles({ name: 'trop-gros.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(26 * 1024 * 1024, 7) });
      const chip = composer.locator('[data-testid=chip][data-state=failed]');
      await chip.waitFor({ timeout: 60000 });
      const said = await chip.getByRole('alert').innerText();
      if (!said.includes(t.too_large)) throw new Error(`the chip says « ${said} »`);
      if ((await box.inputValue()) !== t.kept) throw new Error('the typed text was lost');
      await chip.getByRole('button', { name: t.remove('trop-gros.bin') }).click();
      await send.click();
      await guest.locator('.messages article.msg', { hasText: t.kept }).waitFor();
    });

    await check('a board post with a photo: in the list and on its page, live for Marc', async () => {
      const board_url = `${base}/c/${slug}/ch/${board.id}`;
      await third.goto(board_url);
      await guest.goto(board_url);
      await guest.getByRole('button', { name: t.new_post }).click();
      const form = guest.locator('.board__form');
      await form.getByLabel(t.title).fill(t.post_title);
      await form.getByTestId('attach-input').setInputFiles({ name: 'scene.png', mimeType: 'image/png', buffer: png(480, 640, 60) });
      await form.locator('[data-testid=chip][data-state=done]').waitFor();
      await a11y(guest, 'new post with a photo');
      await form.getByRole('button', { name: t.publish, exact: true }).click();
      await guest.getByText(t.published).waitFor();
      const card = (page) => page.locator('.post-card', { hasText: t.post_title });
      await card(guest).locator('.file-tile img[alt="scene.png"]').waitFor();
      await card(third).locator('.file-tile img[alt="scene.png"]').waitFor();
      const b = await tile_box(card(guest).locator('.file-tile'));
      if (Math.abs(b.width / b.height - 480 / 640) > 0.02) throw new Error(`post box ${b.width}×${b.height}`);
      await a11y(guest, 'board with a photo');
      await shot(guest, `files-${lang}-07-board-phone`);
      await card(third).getByRole('link').first().click();
      await third.locator('.post .file-tile img[alt="scene.png"]').waitFor();
    });

    await check('the host sees the community’s storage used', async () => {
      await host.goto(`${base}/c/${slug}/host`);
      const card = host.getByTestId('storage');
      await card.getByRole('heading', { name: t.storage }).waitFor();
      await card.locator('.storage__line').waitFor();
      const text = await card.innerText();
      if (!t.used.test(text) || !t.files_count.test(text)) throw new Error(`storage card: « ${text} »`);
      await card.scrollIntoViewIfNeeded();
      await a11y(host, 'host tools with storage');
      await shot(host, `files-${lang}-08-storage-laptop`);
    });
  } catch (e) {
    console.log(`  files ${lang} stopped: ${e.message}`);
    results.failed += 1;
    results.failures.push(`files ${lang}: set-up`);
  } finally {
    await close();
  }
}

/** Issue 13's files and images, in French then English (called from run.mjs's main). */
export async function files_story(browser, server) {
  for (const lang of ['fr', 'en']) {
    console.log(`files (${lang})`);
    await one_language(browser, server, lang);
  }
}
