// Issue 15's newsletter, in the browser, French then English. Ana, the host on a laptop, opens the
// « Infolettre » card of her host tools: she opens the public form, names the sender, gives the
// postal address and imports a CSV (its report: who came in, which row was refused). A visitor
// with no account, on a phone, subscribes through the public form (the honeypot off-screen and out
// of reach), reads the confirmation email from the maildir and confirms. Ana writes an issue with
// an image she uploads (a small PNG, through the file chooser): the email (a sandboxed frame, no scripts) and the page preview side by side on the
// laptop, as tabs on a phone; she sends herself a test, schedules it at a time on the community's
// clock (read back with its zone, sent as the right instant in UTC), unschedules it, then sends it
// now to members and subscribers. The visitor's issue carries an unsubscribe link: opened, it
// unsubscribes at once and offers to resubscribe. Béa, a member on a phone, reads the archive and
// comments; Ana sees the issue's numbers. Screenshots of each state, axe on each screen.
import zlib from 'node:zlib';
import { DESKTOP, PHONE, a11y, results, shot, three_people, wait_mail } from './harness.mjs';

/** A real PNG of `w`×`h` (RGB, a gradient), for the image the host uploads. */
function png(w, h) {
  const crc = (buf) => {
    let c = ~0;
    for (const b of buf) {
      c ^= b;
      for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
    }
    return ~c >>> 0;
  };
  const chunk = (type, data) => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const tail = Buffer.alloc(4);
    tail.writeUInt32BE(crc(body));
    return Buffer.concat([head, body, tail]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bits per sample
  ihdr[9] = 2; // RGB
  const rows = [];
  for (let y = 0; y < h; y++) {
    rows.push(0);
    for (let x = 0; x < w; x++) rows.push(200, 60 + 2 * x, 40 + 3 * y);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(Buffer.from(rows))), chunk('IEND', Buffer.alloc(0))]);
}

const T = {
  fr: {
    locale: 'fr-CA', accept_language: 'fr-CA,fr',
    host: 'Ana Roy', guest: 'Béa Gagnon', third: 'Marc Côté', community: 'La Fanfare du Quai', visitor: 'Julie Tremblay',
    card: 'Infolettre', public_form: 'Formulaire d’abonnement public (sans compte)', sender: 'Nom de l’expéditeur', postal: 'Adresse postale', save: 'Enregistrer', saved: 'C’est enregistré.',
    csv_file: 'Fichier CSV', nav: 'Infolettre', archive_nav: 'Infolettres', new: 'Nouvelle infolettre',
    subject: 'Objet', preview_text: 'Texte d’aperçu', body: 'Contenu', add_image: 'Ajouter une image',
    subject_text: 'Le show de décembre', teaser: 'Trois dates, un secret', words: 'On joue au parc le 12 décembre. Apporte ta tuque!',
    tab_page: 'Page web', tab_email: 'Courriel', test: 'M’envoyer un test', test_sent: 'Test envoyé',
    schedule: 'Programmer', date: 'Date', time: 'Heure', leaves: 'Prévue le', unschedule: 'Annuler l’envoi prévu', unscheduled: 'redevenue un brouillon',
    send_now: 'Envoyer maintenant', send: 'Envoyer', members: /Les membres/, subscribers: 'Les personnes abonnées sans compte (confirmées)', nobody: 'Coche au moins un groupe',
    name: 'Ton nom', email: 'Courriel', subscribe: 'M’abonner', check_inbox: 'Vérifie ta boîte de réception', confirmed: 'Abonnement confirmé',
    unsubscribed: 'Tu es désabonné·e', resubscribe: 'Me réabonner', resubscribed: 'Te revoilà abonné·e',
    comment: 'Ton commentaire', comment_words: 'Hâte de vous entendre!', comment_send: 'Commenter', facts: 'Ce qu’il est advenu des courriels', sent_fact: 'Envoyés',
  },
  en: {
    locale: 'en-CA', accept_language: 'en-CA,en',
    host: 'Sam Hill', guest: 'Zoë Grant', third: 'Mark Cole', community: 'Harbour Brass Band', visitor: 'Julie Hart',
    card: 'Newsletter', public_form: 'Public subscription form (no account)', sender: 'Sender name', postal: 'Postal address', save: 'Save', saved: 'Saved.',
    csv_file: 'CSV file', nav: 'Newsletter', archive_nav: 'Newsletters', new: 'New newsletter',
    subject: 'Subject', preview_text: 'Preview text', body: 'Content', add_image: 'Add an image',
    subject_text: 'The December show', teaser: 'Three dates, one secret', words: 'We play the park on December 12. Bring your hat!',
    tab_page: 'Web page', tab_email: 'Email', test: 'Send me a test', test_sent: 'Test sent',
    schedule: 'Schedule', date: 'Date', time: 'Time', leaves: 'Scheduled for', unschedule: 'Cancel the scheduled send', unscheduled: 'a draft again',
    send_now: 'Send now', send: 'Send', members: /Members/, subscribers: 'Subscribers without an account (confirmed)', nobody: 'Tick at least one group',
    name: 'Your name', email: 'Email', subscribe: 'Subscribe', check_inbox: 'Check your inbox', confirmed: 'Subscription confirmed',
    unsubscribed: 'You’re unsubscribed', resubscribe: 'Subscribe again', resubscribed: 'You’re subscribed again',
    comment: 'Your comment', comment_words: 'Can’t wait to hear you!', comment_send: 'Comment', facts: 'What happened to the emails', sent_fact: 'Sent',
  },
};

/** What the zone's clock shows at `iso`: « 2026-12-05 08:00 », by Intl alone (not the app's code). */
function on_clock(iso, tz) {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

async function one_language(browser, server, lang) {
  const t = T[lang];
  const cast = await three_people(browser, server, lang, t, 'newsletter');
  const { base, slug, host, guest, check, call, close } = cast;
  const visitor_ctx = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, locale: t.locale, extraHTTPHeaders: { 'Accept-Language': t.accept_language }, serviceWorkers: 'block' });
  const visitor = await visitor_ctx.newPage();
  visitor.setDefaultTimeout(15000);
  const visitor_email = `julie-${lang}-${Date.now().toString(36)}@example.com`;
  try {
    const { community } = await call('host', 'GET', `/communities/${slug}`);
    const tz = community.timezone;
    const host_email = (await call('host', 'GET', '/me')).account.email;
    let issue_id = 0;

    await check('the host tools’ « Newsletter » card: the public form opens with its link, sender and postal address are saved', async () => {
      await host.goto(`${base}/c/${slug}/host`);
      const card = host.getByTestId('nl-card');
      await card.waitFor();
      const form_switch = card.getByLabel(t.public_form);
      if (!(await form_switch.isChecked())) {
        const saved = host.waitForResponse((r) => r.url().endsWith('/subscriptions/settings') && r.request().method() === 'PUT');
        await form_switch.check();
        await saved;
      }
      const link = await card.getByTestId('nl-form-url').inputValue();
      if (link !== `${base}/c/${slug}/subscribe`) throw new Error(`the public link is ${link}`);
      // Open and click tracking: off unless turned on, and the card says what it does.
      const tracking = card.getByTestId('nl-tracking').getByRole('checkbox', { name: lang === 'fr' ? /ouvertures et les clics/ : /opens and clicks/ });
      if (await tracking.isChecked()) throw new Error('tracking is on by default');
      if (!(await card.getByTestId('nl-tracking').innerText()).includes(lang === 'fr' ? 'pied de page' : 'footer')) throw new Error('the card does not say the footer tells readers');
      for (const on of [true, false]) {
        const put = host.waitForResponse((r) => r.url().endsWith('/subscriptions/settings') && r.request().method() === 'PUT');
        await (on ? tracking.check() : tracking.uncheck());
        if ((await (await put).json()).settings.tracking !== on) throw new Error(`tracking did not turn ${on ? 'on' : 'off'}`);
      }
      await card.getByLabel(t.sender).fill(t.community);
      await card.getByLabel(t.postal).fill('123, rue du Quai, Montréal (Québec) H2X 1Y4');
      await card.getByRole('button', { name: t.save, exact: true }).click();
      await card.getByText(t.saved).waitFor();
      const { settings } = await call('host', 'GET', `/communities/${slug}/subscriptions/settings`);
      if (!settings.public_form || settings.sender_name !== t.community || !settings.postal_address.includes('rue du Quai') || settings.tracking) throw new Error(JSON.stringify(settings));
      await a11y(host, 'newsletter card');
      await shot(host, `newsletter-${lang}-01-card-laptop`);
    });

    await check('a CSV import: its report says who came in and which row was refused, and why', async () => {
      const card = host.getByTestId('nl-card');
      const csv = `email,name,locale\nana.${lang}@example.com,Ana,fr\npas-une-adresse,Marc,fr\n`;
      const answered = host.waitForResponse((r) => r.url().endsWith('/subscribers/import'));
      await card.getByLabel(t.csv_file).setInputFiles({ name: 'abonnes.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
      const res = await answered;
      if (res.request().headers()['content-type'] !== 'text/csv') throw new Error(`sent as ${res.request().headers()['content-type']}`);
      if (res.request().postData() !== csv) throw new Error('the file was not sent as it is');
      const report = await res.json();
      if (report.imported + report.merged !== 1 || report.rejected.length !== 1 || report.rejected[0].row < 2) throw new Error(`report ${JSON.stringify(report)}`);
      const shown = card.getByTestId('nl-import-report');
      await shown.waitFor();
      if (!(await shown.innerText()).includes(report.rejected[0].reason)) throw new Error('the refused row’s reason is not shown');
      await card.getByTestId('nl-subscribers').locator(`[data-subscriber]`, { hasText: `ana.${lang}@example.com` }).waitFor();
      await a11y(host, 'import report');
    });

    await check('a visitor with no account subscribes on her phone; the honeypot is off-screen, hidden and out of reach', async () => {
      await visitor.goto(`${base}/c/${slug}/subscribe`);
      const form = visitor.getByTestId('nl-subscribe');
      await form.waitFor();
      const opened = Date.now();
      const pot = await visitor.evaluate(() => {
        const input = document.querySelector('input[name="website"]');
        const box = input.getBoundingClientRect();
        const wrap = input.closest('[aria-hidden]');
        return { right: box.right, display: getComputedStyle(input).display, hidden: wrap?.getAttribute('aria-hidden'), tab: input.tabIndex, auto: input.getAttribute('autocomplete') };
      });
      if (pot.right > 0 || pot.display === 'none' || pot.hidden !== 'true' || pot.tab !== -1 || pot.auto !== 'off') throw new Error(`honeypot ${JSON.stringify(pot)}`);
      await a11y(visitor, 'subscribe form');
      await shot(visitor, `newsletter-${lang}-02-subscribe-phone`);
      await form.getByLabel(t.name).fill(t.visitor);
      await form.getByLabel(t.email, { exact: true }).fill(visitor_email);
      // The form's token refuses a post less than two seconds after it was shown.
      await visitor.waitForTimeout(Math.max(0, 2300 - (Date.now() - opened)));
      const posted = visitor.waitForResponse((r) => r.url().endsWith(`/communities/${slug}/subscribe`) && r.request().method() === 'POST');
      await form.getByRole('button', { name: t.subscribe }).click();
      const res = await posted;
      const sent = res.request().postDataJSON();
      if (res.status() !== 202 || !sent.form_token || sent.website !== '' || sent.locale !== lang) throw new Error(`${res.status()} ${JSON.stringify(sent)}`);
      await visitor.getByRole('heading', { name: t.check_inbox }).waitFor();
      await a11y(visitor, 'check your inbox');
    });

    await check('she confirms from the email’s link: the page confirms with a POST and says so', async () => {
      const { link } = await wait_mail(server, visitor_email, Date.now() - 60000, '/subscribe/confirm\\?token=[A-Za-z0-9_~.%-]+', 'confirmation');
      const confirmed = visitor.waitForResponse((r) => r.url().endsWith('/subscribe/confirm') && r.request().method() === 'POST');
      await visitor.goto(link);
      if ((await confirmed).status() !== 200) throw new Error('the confirmation was refused');
      await visitor.getByRole('heading', { name: t.confirmed }).waitFor();
      if (!(await visitor.getByTestId('nl-public-note').innerText()).includes(visitor_email)) throw new Error('the page does not name her address');
      await a11y(visitor, 'confirmed');
      await shot(visitor, `newsletter-${lang}-03-confirmed-phone`);
    });

    await check('the host writes an issue with an image: the email (sandboxed, no scripts) and the page side by side on the laptop', async () => {
      await host.goto(`${base}/c/${slug}`);
      await host.getByRole('link', { name: t.nav, exact: true }).click();
      await host.getByRole('link', { name: t.new }).click();
      const editor = host.getByTestId('nl-editor');
      await editor.getByLabel(t.subject).fill(t.subject_text);
      await editor.getByLabel(t.preview_text).fill(t.teaser);
      await editor.getByLabel(t.body, { exact: true }).fill(`# ${t.subject_text}\n\n${t.words}`);
      // The button opens a file chooser (images only); the PNG goes through the files route and
      // `![affiche.png](/api/v1/files/{id})` lands at the cursor, after the text.
      const chooser = host.waitForEvent('filechooser');
      await editor.getByRole('button', { name: t.add_image }).click();
      const picker = await chooser;
      if (!/image/.test((await picker.element().getAttribute('accept')) ?? '')) throw new Error('the chooser takes any file');
      await picker.setFiles({ name: 'affiche.png', mimeType: 'image/png', buffer: png(64, 40) });
      await host.waitForFunction(() => /\n\n!\[affiche\.png\]\(\/api\/v1\/files\/\d+\)\n$/.test(document.querySelector('[data-testid="nl-editor"] textarea').value));
      // The page preview shows it, fetched with the host's cookie.
      await host.waitForFunction(() => {
        const img = document.querySelector('[data-testid="nl-preview-page"] img[src*="/api/v1/files/"]');
        return img && img.complete && img.naturalWidth === 64;
      });
      // The email's frame sends no cookie: the app puts the image in as a data: URL.
      await host.frameLocator('iframe.nl-email').locator('img[src^="data:image/"]').waitFor();
      const shown = await host.frameLocator('iframe.nl-email').locator('img[src^="data:image/"]').evaluate((i) => i.complete && i.naturalWidth);
      if (shown !== 64) throw new Error(`the email preview's image is ${shown} px wide`);
      const frame = host.locator('iframe.nl-email');
      await host.waitForFunction((words) => document.querySelector('iframe.nl-email')?.srcdoc.includes(words.slice(0, 20)), t.words);
      const sandbox = await frame.getAttribute('sandbox');
      if (sandbox !== '') throw new Error(`the frame's sandbox is « ${sandbox} »`);
      await host.getByTestId('nl-preview-page').getByText(t.words).waitFor();
      const [email_box, page_box] = [await host.getByTestId('nl-preview-email').boundingBox(), await host.getByTestId('nl-preview-page').boundingBox()];
      if (!(page_box.x > email_box.x + email_box.width - 1 && Math.abs(page_box.y - email_box.y) < 5)) throw new Error(`not side by side: ${JSON.stringify([email_box, page_box])}`);
      await a11y(host, 'editor');
      await shot(host, `newsletter-${lang}-04-editor-laptop`);
    });

    await check('on a phone the previews are two tabs', async () => {
      await host.setViewportSize(PHONE);
      const tab = host.getByRole('tab', { name: t.tab_page });
      await tab.click();
      await host.getByTestId('nl-preview-page').getByText(t.words).waitFor();
      if (await host.getByTestId('nl-preview-email').isVisible()) throw new Error('both previews show on a phone');
      await a11y(host, 'editor on a phone, page tab');
      await shot(host, `newsletter-${lang}-05-editor-page-tab-phone`);
      await host.getByRole('tab', { name: t.tab_email }).click();
      await host.locator('iframe.nl-email').waitFor();
      await host.setViewportSize(DESKTOP);
    });

    await check('« send me a test »: saved first, then the email reaches the host’s own address', async () => {
      const since = Date.now();
      await host.getByRole('button', { name: t.test }).click();
      await host.getByTestId('toast').filter({ hasText: t.test_sent }).waitFor();
      issue_id = Number(/\/newsletters\/(\d+)\/edit/.exec(host.url())?.[1]);
      if (!issue_id) throw new Error(`the editor is at ${host.url()}`);
      // Its image goes through a signed link that a mail client fetches with no cookie.
      const { link } = await wait_mail(server, host_email, since, '/api/v1/newsletter-images/[A-Za-z0-9_.-]+', 'test');
      const res = await fetch(link);
      if (res.status !== 200 || res.headers.get('content-type') !== 'image/png') throw new Error(`GET ${link} answers ${res.status} ${res.headers.get('content-type')}`);
    });

    await check('schedule: a date and a time on the community’s clock, read back with its zone, sent as that instant; then unscheduled', async () => {
      await host.getByRole('button', { name: t.schedule, exact: true }).click();
      const sheet = host.getByTestId('nl-send').getByRole('dialog');
      await sheet.waitFor();
      const day = new Date(Date.now() + 5 * 86400000).toISOString().slice(0, 10);
      await sheet.getByLabel(t.date).fill(day);
      await sheet.getByLabel(t.time).fill('08:00');
      await sheet.getByTestId('nl-leaves-at').waitFor();
      // Nobody chosen: said next to the boxes, nothing sent.
      await sheet.getByRole('checkbox', { name: t.members }).uncheck();
      await sheet.getByRole('checkbox', { name: t.subscribers }).uncheck();
      await sheet.getByRole('button', { name: t.schedule, exact: true }).click();
      await sheet.getByText(t.nobody).waitFor();
      await sheet.getByRole('checkbox', { name: t.members }).check();
      await sheet.getByRole('checkbox', { name: t.subscribers }).check();
      await a11y(host, 'schedule sheet');
      await shot(host, `newsletter-${lang}-06-schedule-laptop`);
      const sent = host.waitForResponse((r) => r.url().endsWith(`/newsletters/${issue_id}/send`));
      await sheet.getByRole('button', { name: t.schedule, exact: true }).click();
      const res = await sent;
      const body = res.request().postDataJSON();
      if (on_clock(body.at, tz) !== `${day} 08:00`) throw new Error(`sent at ${body.at}, which is ${on_clock(body.at, tz)} in ${tz}`);
      const { newsletter } = await res.json();
      if (newsletter.status !== 'scheduled' || Date.parse(newsletter.scheduled_at) !== Date.parse(body.at)) throw new Error(JSON.stringify(newsletter));
      const note = host.getByTestId('nl-scheduled');
      await note.waitFor();
      if (!(await note.innerText()).includes(t.leaves)) throw new Error('the scheduled time is not shown');
      await host.getByRole('button', { name: t.unschedule }).click();
      await host.getByTestId('toast').filter({ hasText: t.unscheduled }).waitFor();
      await note.waitFor({ state: 'detached' });
      const after = (await call('host', 'GET', `/newsletters/${issue_id}`)).newsletter;
      if (after.status !== 'draft') throw new Error(`after unscheduling: ${after.status}`);
    });

    await check('send now: the sheet shows the audience; it goes to members and subscribers; the issue’s page follows', async () => {
      await host.getByRole('button', { name: t.send_now }).click();
      const sheet = host.getByTestId('nl-send').getByRole('dialog');
      await sheet.waitFor();
      if (!(await sheet.getByRole('checkbox', { name: t.members }).isChecked()) || !(await sheet.getByRole('checkbox', { name: t.subscribers }).isChecked())) throw new Error('the audience is not both');
      await a11y(host, 'send now sheet');
      const sent = host.waitForResponse((r) => r.url().endsWith(`/newsletters/${issue_id}/send`));
      await sheet.getByRole('button', { name: t.send, exact: true }).click();
      const res = await sent;
      if (res.status() !== 202 || res.request().postDataJSON().at) throw new Error(`${res.status()} ${res.request().postData()}`);
      await host.waitForURL((u) => u.pathname === `/c/${slug}/newsletters/${issue_id}`);
      await host.getByTestId('nl-facts').waitFor();
    });

    let unsub_page = '';
    await check('the visitor’s issue has an unsubscribe link (and the one-click header); the link opens the app’s page', async () => {
      const mail = await wait_mail(server, visitor_email, Date.now() - 60000, '/unsubscribe/[A-Za-z0-9_~.%-]+', 'newsletter');
      if (!/^<[^>]*\/api\/v1\/unsubscribe\/[^>]+>$/.test(mail.headers['list-unsubscribe'] ?? '') || !/One-Click/i.test(mail.headers['list-unsubscribe-post'] ?? '')) throw new Error(`headers ${JSON.stringify(mail.headers)}`);
      unsub_page = mail.link;
      const res = await fetch(mail.link);
      if (res.status !== 200 || !(res.headers.get('content-type') ?? '').startsWith('text/html'))
        throw new Error(`GET ${new URL(mail.link).pathname} answers ${res.status} ${res.headers.get('content-type')}, not the app's page`);
    });

    await check('the visitor reads the issue on the web from her email’s link, with no account', async () => {
      const mail = await wait_mail(server, visitor_email, Date.now() - 60000, '/newsletter/[A-Za-z0-9_~.%-]+', 'newsletter');
      await visitor.goto(mail.link);
      const page = visitor.getByTestId('nl-public-issue');
      await page.getByRole('heading', { name: t.subject_text, level: 1 }).first().waitFor();
      await page.locator('.nl-page').getByText(t.words).waitFor();
      await a11y(visitor, 'public issue page');
      await shot(visitor, `newsletter-${lang}-065-web-issue-phone`);
      // An altered link says so, in her language.
      await visitor.goto(mail.link.slice(0, -2) + (mail.link.at(-2) === 'A' ? 'B' : 'A') + mail.link.at(-1));
      await visitor.getByTestId('nl-public-note').waitFor();
    });

    await check('the unsubscribe page unsubscribes at once and offers to resubscribe', async () => {
      if (!unsub_page) throw new Error('no unsubscribe link');
      const posted = visitor.waitForResponse((r) => r.url().includes('/api/v1/unsubscribe/') && r.request().method() === 'POST');
      await visitor.goto(unsub_page);
      if ((await posted).status() !== 200) throw new Error('the unsubscribe was refused');
      await visitor.getByRole('heading', { name: t.unsubscribed }).waitFor();
      await a11y(visitor, 'unsubscribed');
      await shot(visitor, `newsletter-${lang}-07-unsubscribed-phone`);
      await visitor.getByRole('button', { name: t.resubscribe }).click();
      await visitor.getByRole('heading', { name: t.resubscribed }).waitFor();
      const subs = (await call('host', 'GET', `/communities/${slug}/subscribers`)).subscribers;
      const her = subs.find((s) => s.email === visitor_email);
      if (her?.status !== 'confirmed' || her.consent.kind !== 'express') throw new Error(JSON.stringify(her));
    });

    await check('Béa, a member on her phone, reads the archive and comments', async () => {
      await guest.goto(`${base}/c/${slug}/newsletters`);
      const archive = guest.getByTestId('nl-archive');
      await archive.getByRole('link', { name: t.subject_text }).click();
      await guest.getByTestId('nl-issue').getByText(t.words).waitFor();
      if (await guest.getByTestId('nl-facts').count()) throw new Error('a member sees the host’s numbers');
      await guest.getByLabel(t.comment).fill(t.comment_words);
      await guest.getByRole('button', { name: t.comment_send }).click();
      await guest.getByTestId('nl-comment-list').getByText(t.comment_words).waitFor();
      await a11y(guest, 'archive page with a comment');
      await shot(guest, `newsletter-${lang}-08-archive-phone`);
    });

    await check('the host’s view of the issue: its numbers (sent at least to the visitor) and the comment', async () => {
      let counts = null;
      for (let i = 0; i < 40; i++) {
        counts = (await call('host', 'GET', `/newsletters/${issue_id}`)).newsletter.counts;
        if (counts?.sent >= 1 && counts.queued === 0) break;
        await host.waitForTimeout(250);
      }
      await host.reload();
      const facts = host.getByTestId('nl-facts');
      await facts.waitFor();
      const text = await facts.innerText();
      if (!text.includes(t.facts) || !text.includes(t.sent_fact) || !text.includes(String(counts.sent))) throw new Error(`facts « ${text} » for ${JSON.stringify(counts)}`);
      await host.getByTestId('nl-comment-list').getByText(t.comment_words).waitFor();
      await a11y(host, 'host view of an issue');
      await shot(host, `newsletter-${lang}-09-issue-host-laptop`);
    });
  } finally {
    await visitor_ctx.close();
    await close();
  }
}

/** Issue 15's newsletter, in French then English (called from run.mjs's main). */
export async function newsletter_story(browser, server) {
  for (const lang of ['fr', 'en']) {
    console.log(`newsletter (${lang})`);
    try {
      await one_language(browser, server, lang);
    } catch (e) {
      console.log(`  newsletter ${lang} stopped: ${e.message}`);
      results.failed += 1;
      results.failures.push(`newsletter ${lang}: set-up`);
    }
  }
}
