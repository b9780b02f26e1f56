// Issue 10, the host guided: form errors (bugs 4, 5), an invitation's expiry and its words
// (bugs 8, 9), the first-run checklist with the Web Share API and its fallback, confirmations in
// sheets, toasts, the community in the top bar, « Avancé » and leaving a community. French on a
// phone (touch), English on a laptop; screenshots of each sheet and state at both sizes.
import { DESKTOP, PHONE, a11y, confirm_sheet, shot, shots, step } from './harness.mjs';

const PASSWORD = 'correct horse battery';
const ZONE = 'America/Toronto'; // the community's; the devices are in Paris

const T = {
  fr: {
    locale: 'fr-CA', accept_language: 'fr-CA,fr', other: 'en',
    sign_up: 'Créer mon compte', display_name: 'Ton nom affiché', email: 'Courriel', password: 'Mot de passe',
    required: 'Remplis ce champ pour continuer.', short_password: 'Ton mot de passe doit avoir au moins 10 caractères.', bad_email: 'Ce courriel ne semble pas complet : il a la forme nom@exemple.com.',
    email_taken: 'Ce courriel a déjà un compte. Essaie de te connecter.', email_taken_other: 'This email already has an account. Try logging in.', required_other: 'Fill this in to keep going.',
    host: 'Ana Tremblay', guest: 'Béa Gagnon', community: 'Les Fidèles du Quai', second: 'Le Club du jeudi', guest_community: 'La chorale de Béa',
    guide: 'Tes premiers pas d’hôte', describe: 'Écrire la description', description_label: 'Description', description: 'Le café du quai, ses habitués et ses musiciens.', save: 'Enregistrer la description', description_saved: 'Description enregistrée.',
    new_channel: 'Créer un canal', channel_label: 'Nom du canal', create_channel: 'Créer le canal', channel: 'jasette', channel_created: 'Le canal #jasette est créé.',
    share: 'Partager un lien d’invitation', copied: 'Lien d’invitation copié. Colle-le dans un texto ou un courriel.', hide: 'Masquer ces étapes', all_done: 'Tout est prêt! Ta salle peut accueillir ton monde.',
    max_uses: 'Nombre de places', expires_in_hours: 'Expire dans (heures)', create_invitation: 'Créer le lien', zone_label: '(heure de Toronto)', first_of_month: /jusqu’au 1er /, uses: '0 place prise sur 1', valid: 'Valide jusqu’au', local: '--public-url',
    make_host: 'Nommer hôte', made_host: (n) => `${n} est maintenant hôte.`, remove: (n) => `Retirer ${n}`, remove_btn: 'Retirer', removed: (n) => `${n} ne fait plus partie de la communauté.`,
    current_password: 'Mot de passe actuel', new_password: 'Nouveau mot de passe', change_password: 'Changer mon mot de passe', wrong_current: 'Ce n’est pas ton mot de passe actuel.', advanced: 'Avancé', tokens: 'Jetons d’accès personnels', leave: 'Quitter cette communauté', leave_btn: 'Quitter', left: (c) => `Tu as quitté ${c}.`,
  },
  en: {
    locale: 'en-CA', accept_language: 'en-CA,en', other: 'fr',
    sign_up: 'Create my account', display_name: 'Your display name', email: 'Email', password: 'Password',
    required: 'Fill this in to keep going.', short_password: 'Your password needs at least 10 characters.', bad_email: 'This email doesn’t look complete: it looks like name@example.com.',
    email_taken: 'This email already has an account. Try logging in.', email_taken_other: 'Ce courriel a déjà un compte. Essaie de te connecter.', required_other: 'Remplis ce champ pour continuer.',
    host: 'Sam Leblanc', guest: 'Jo Roy', community: 'Harbour Café Regulars', second: 'The Thursday Club', guest_community: 'Jo’s Choir',
    guide: 'Your first steps as host', describe: 'Write the description', description_label: 'Description', description: 'The harbour café, its regulars and its musicians.', save: 'Save the description', description_saved: 'Description saved.',
    new_channel: 'Create a channel', channel_label: 'Channel name', create_channel: 'Create channel', channel: 'chat', channel_created: 'Channel #chat is ready.',
    share: 'Share an invitation link', copied: 'Invitation link copied. Paste it in a text or an email.', hide: 'Hide these steps', all_done: 'All set! Your place is ready to welcome your people.',
    max_uses: 'Number of spots', expires_in_hours: 'Expires in (hours)', create_invitation: 'Create link', zone_label: '(Toronto time)', first_of_month: / 1, \d{4}/, uses: '0 spots taken out of 1', valid: 'Valid until', local: '--public-url',
    make_host: 'Make host', made_host: (n) => `${n} is now a host.`, remove: (n) => `Remove ${n}`, remove_btn: 'Remove', removed: (n) => `${n} is no longer in the community.`,
    current_password: 'Current password', new_password: 'New password', change_password: 'Change my password', wrong_current: 'That’s not your current password.', advanced: 'Advanced', tokens: 'Personal access tokens', leave: 'Leave this community', leave_btn: 'Leave', left: (c) => `You left ${c}.`,
  },
};

/** A request of the API from a context's cookie session, as the app's pages send it. */
async function call(ctx, base, method, path, data) {
  const r = await ctx.request.fetch(base + '/api/v1' + path, { method, headers: { Origin: base, 'X-Requested-With': 'petitesalle' }, ...(data === undefined ? {} : { data }) });
  if (r.status() >= 400) throw new Error(`${method} ${path}: ${r.status()} ${await r.text()}`);
  return r.status() === 204 ? null : r.json();
}

/** Hours from now to noon, in Toronto, of the next first day of a month (bug 9's « 1er »). */
function hours_to_a_first() {
  const now = new Date();
  for (let days = 0; days < 62; days++) {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + days, 17)); // noon EST
    if (d.getUTCDate() === 1 && d > now) return Math.ceil((d - now) / 3600000);
  }
  throw new Error('no first of the month ahead');
}

async function toast(page, text) {
  await page.getByTestId('toast').filter({ hasText: text }).first().waitFor();
}

async function guided(browser, server, lang) {
  const t = T[lang];
  const base = server.url;
  const stamp = `${lang}-${Date.now().toString(36)}`;
  const phone = lang === 'fr';
  const ctx_opts = { locale: t.locale, timezoneId: 'Europe/Paris', extraHTTPHeaders: { 'Accept-Language': t.accept_language }, serviceWorkers: 'block' };
  // English in the dark theme, so that axe checks the sheets' and toasts' contrast there too.
  const ctx = await browser.newContext({ ...ctx_opts, viewport: phone ? PHONE : DESKTOP, ...(phone ? { isMobile: true, hasTouch: true } : { colorScheme: 'dark' }) });
  await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  // French: no Web Share API (as on a desktop Linux): the link is copied, with a toast. English:
  // a share sheet, recorded.
  await ctx.addInitScript((share) => {
    if (share) Object.defineProperty(Navigator.prototype, 'share', { configurable: true, value: async (d) => void (window.__shared = d) });
    else delete Navigator.prototype.share;
  }, !phone);
  const others = await browser.newContext(ctx_opts); // the other people, through the API only
  const page = await ctx.newPage();
  page.setDefaultTimeout(15000);
  page.on('pageerror', (e) => console.log(`       [${lang} host_guided page error] ${e.message}`));
  page.on('dialog', (d) => {
    console.log(`       [${lang} host_guided browser dialog, refused] ${d.message()}`);
    void d.dismiss();
  });
  const taken_email = `taken-${stamp}@example.com`;
  const host_email = `host-${stamp}@example.com`;
  let slug = '';
  let invite_code = '';
  const check = async (name, fn) => {
    const ok = await step(`${lang} host guided: ${name}`, fn);
    if (!ok) await shot(page, `${lang}-zz-fail-guided-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)}`).catch(() => {});
    return ok;
  };
  const field_error = (label) => page.locator('.field--error', { has: page.getByLabel(label, { exact: true }) }).locator('.field__error');

  try {
    await call(others, base, 'POST', '/accounts', { email: taken_email, password: PASSWORD, display_name: 'Déjà Là', locale: lang });

    await check('bug 4: an empty sign-up flags every field at once, in words, with the focus on the first', async () => {
      await page.goto(base + '/signup');
      await page.getByRole('button', { name: t.sign_up }).click();
      await page.waitForFunction(() => document.querySelectorAll('.field--error').length === 3);
      for (const label of [t.display_name, t.email, t.password]) {
        const text = await field_error(label).innerText();
        if (text !== t.required) throw new Error(`${label}: « ${text} »`);
      }
      const focused = await page.evaluate(() => document.activeElement?.getAttribute('name'));
      if (focused !== 'display_name') throw new Error(`the focus is on ${focused}, not the first field at fault`);
      await a11y(page, 'sign up, every field at fault');
      await shots(page, `${lang}-g01-signup-empty`);
      // Wrong, not empty: said in words, never « email » or « password ».
      await page.getByLabel(t.display_name).fill(t.host);
      await page.getByLabel(t.email).fill('ana-at-example');
      await page.getByLabel(t.password).fill('short');
      await page.getByRole('button', { name: t.sign_up }).click();
      await field_error(t.password).filter({ hasText: t.short_password }).waitFor();
      await field_error(t.email).filter({ hasText: t.bad_email }).waitFor();
      const all = await page.locator('main').innerText();
      if (/« ?(email|password|display_name) ?»|"(email|password|display_name)"/.test(all)) throw new Error(`an API field name is shown: ${all}`);
      // The focus moves once the errors are drawn: waited for (up to 2 s), not read at once.
      await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'email', null, { timeout: 2000 }).catch(() => {
        throw new Error('the focus is not on the email, the first field at fault');
      });
    });

    await check('bug 5: an error shown in one language is said in the other after the switch', async () => {
      await page.getByLabel(t.display_name).fill(t.host);
      await page.getByLabel(t.email).fill(taken_email);
      await page.getByLabel(t.password).fill(PASSWORD);
      await page.getByRole('button', { name: t.sign_up }).click();
      await field_error(t.email).filter({ hasText: t.email_taken }).waitFor();
      await page.locator('.topbar .lang select').selectOption(t.other);
      await page.locator('.field--error .field__error').filter({ hasText: t.email_taken_other }).waitFor();
      await page.locator('.topbar .lang select').selectOption(lang);
      await field_error(t.email).filter({ hasText: t.email_taken }).waitFor();
      // And an error the app found itself.
      await page.getByLabel(t.display_name).fill('');
      await page.getByRole('button', { name: t.sign_up }).click();
      await field_error(t.display_name).filter({ hasText: t.required }).waitFor();
      await page.locator('.topbar .lang select').selectOption(t.other);
      await page.locator('.field--error .field__error').filter({ hasText: t.required_other }).waitFor();
      await page.locator('.topbar .lang select').selectOption(lang);
    });

    await check('the host signs up; the community leads the top bar and the tab', async () => {
      await page.locator('.topbar .lang select').selectOption(lang); // whatever the step before left
      await page.getByLabel(t.display_name).fill(t.host);
      await page.getByLabel(t.email).fill(host_email);
      await page.getByLabel(t.password).fill(PASSWORD);
      await page.getByRole('button', { name: t.sign_up }).click();
      await page.waitForURL(base + '/');
      await page.locator('.topbar .lang').waitFor();
      ({ community: { slug } } = await call(ctx, base, 'POST', '/communities', { name: t.community, timezone: ZONE, locale: lang }));
      await page.goto(`${base}/c/${slug}`);
      await page.getByTestId('topbar-community').filter({ hasText: t.community }).waitFor();
      await page.waitForFunction((n) => document.title.includes(n), t.community);
    });

    await check('checklist: shown to the host with four steps to do, and what member numbers mean', async () => {
      const guide = page.getByTestId('guide');
      await guide.getByRole('heading', { name: t.guide }).waitFor();
      const steps = await guide.locator('[data-step]').evaluateAll((els) => els.map((e) => [e.dataset.step, e.hasAttribute('data-done')]));
      if (JSON.stringify(steps) !== JSON.stringify([['describe', false], ['channels', false], ['welcome', false], ['invite', false]])) throw new Error(JSON.stringify(steps));
      await guide.locator('.guide__numbers').waitFor();
      await a11y(page, 'checklist');
      await shots(page, `${lang}-g02-checklist`);
    });

    await check('checklist: describing in a sheet (focus in, Escape closes and gives the focus back), then done', async () => {
      const guide = page.getByTestId('guide');
      const open = guide.getByRole('button', { name: t.describe });
      await open.click();
      const sheet = page.getByTestId('sheet-describe').getByRole('dialog');
      await sheet.waitFor();
      if (!(await page.evaluate(() => !!document.activeElement?.closest('[role=dialog]')))) throw new Error('the focus did not move into the sheet');
      await a11y(page, 'description sheet');
      await shots(page, `${lang}-g03-sheet-describe`);
      await page.keyboard.press('Escape');
      await sheet.waitFor({ state: 'detached' });
      await page.waitForFunction((label) => document.activeElement?.textContent === label, t.describe, { timeout: 2000 }).catch(() => {
        throw new Error('the focus did not come back to the button that opened the sheet');
      });
      await open.click();
      await sheet.getByLabel(t.description_label).fill(t.description);
      await sheet.getByRole('button', { name: t.save }).click();
      await toast(page, t.description_saved);
      await guide.locator('[data-step=describe][data-done]').waitFor();
    });

    await check('checklist: a first channel in a sheet, then a welcome message: both done', async () => {
      const guide = page.getByTestId('guide');
      await guide.getByRole('button', { name: t.new_channel }).click();
      const sheet = page.getByTestId('sheet-channel').getByRole('dialog');
      await sheet.getByLabel(t.channel_label).fill(t.channel);
      await sheet.getByRole('button', { name: t.create_channel }).click();
      await toast(page, t.channel_created);
      await guide.locator('[data-step=channels][data-done]').waitFor();
      const { channels } = await call(ctx, base, 'GET', `/communities/${slug}/channels`);
      await call(ctx, base, 'POST', `/channels/${channels[0].id}/messages`, { body: lang === 'fr' ? 'Bienvenue à toutes et à tous!' : 'Welcome, everyone!' });
      await guide.locator('[data-step=welcome][data-done]').waitFor();
    });

    await check(phone ? 'checklist: inviting without the Web Share API copies the link, with a toast; the list is then done' : 'checklist: inviting opens the share sheet (Web Share API) with the link; the list is then done', async () => {
      await page.getByTestId('guide').getByRole('button', { name: t.share }).click();
      let url;
      if (phone) {
        await toast(page, t.copied);
        await shots(page, `${lang}-g04-invite-copied-toast`);
        url = await page.evaluate(() => navigator.clipboard.readText());
      } else {
        await page.waitForFunction(() => !!window.__shared);
        const shared = await page.evaluate(() => window.__shared);
        if (shared.title !== t.community) throw new Error(`shared ${JSON.stringify(shared)}`);
        url = shared.url;
      }
      if (!url?.startsWith(`${base}/i/`)) throw new Error(`the link shared is ${url}`);
      invite_code = url.split('/i/')[1];
      await page.getByTestId('guide').waitFor({ state: 'detached' });
      await toast(page, t.all_done);
    });

    await check('checklist: the host may hide it; it stays hidden for that community after a reload', async () => {
      const { community } = await call(ctx, base, 'POST', '/communities', { name: t.second, timezone: ZONE });
      await page.goto(`${base}/c/${community.slug}`);
      await page.getByTestId('guide').getByRole('button', { name: t.hide }).click();
      await page.getByTestId('guide').waitFor({ state: 'detached' });
      const listed = page.waitForResponse((r) => r.url().endsWith(`/communities/${community.slug}/invitations`));
      await page.reload();
      await listed;
      await page.getByTestId('topbar-community').filter({ hasText: t.second }).waitFor();
      await page.waitForTimeout(300);
      if (await page.getByTestId('guide').count()) throw new Error('the hidden checklist came back');
    });

    await check('host tools: a new link is brought into view and highlighted; a warning while the public URL is localhost', async () => {
      await page.goto(`${base}/c/${slug}/host`);
      await page.getByLabel(t.max_uses).fill('1');
      await page.getByLabel(t.expires_in_hours).fill(String(hours_to_a_first()));
      await page.getByRole('button', { name: t.create_invitation }).click();
      const fresh = page.locator('.invitation[data-fresh]');
      await fresh.waitFor();
      await page.waitForTimeout(600); // the smooth scroll
      const box = await fresh.boundingBox();
      const height = page.viewportSize().height;
      if (!box || box.y < 0 || box.y + Math.min(box.height, 80) > height) throw new Error(`the new link is not in view: ${JSON.stringify(box)} in ${height}`);
      await page.getByTestId('local-address').filter({ hasText: t.local }).waitFor();
      await a11y(page, 'host tools with the public URL warning');
      await shots(page, `${lang}-g05-host-tools-new-link`);
    });

    await check('bugs 8 and 9: an expiry is one time, labelled with the zone, the same on both pages; « 0 place prise sur 1 », « le 1er »', async () => {
      await page.goto(`${base}/c/${slug}/host`);
      const newest = page.locator('.invitation').first(); // the one just made, expiring on a 1st
      await newest.getByTestId('invitation-url').waitFor();
      const code = (await newest.getByTestId('invitation-url').inputValue()).split('/i/')[1];
      const facts = await newest.locator('p').innerText();
      if (!facts.includes(t.uses)) throw new Error(`host tools say « ${facts} »`);
      const expires = facts.split(' · ').find((x) => x.startsWith(t.valid)) ?? '';
      if (!expires.includes(t.zone_label) || !t.first_of_month.test(expires)) throw new Error(`host tools: « ${expires} »`);
      await page.goto(`${base}/i/${code}`);
      const shown = page.locator('.invite__facts li').filter({ hasText: t.valid });
      await shown.waitFor();
      await page.waitForFunction((z) => [...document.querySelectorAll('.invite__facts li')].some((li) => li.textContent.includes(z)), t.zone_label, { timeout: 5000 });
      if ((await shown.innerText()) !== expires) throw new Error(`the invitation page says « ${await shown.innerText()} », the host tools « ${expires} »`);
      await page.locator('.invite__facts').getByText(t.uses, { exact: true }).waitFor({ timeout: 5000 });
      await shots(page, `${lang}-g06-invitation-expiry`);
    });

    await check('members: a toast after promoting someone, a confirmation sheet and a toast after removing them', async () => {
      await call(others, base, 'POST', '/accounts', { email: `guest-${stamp}@example.com`, password: PASSWORD, display_name: t.guest, locale: lang });
      await call(others, base, 'POST', `/invitations/${invite_code}/accept`);
      await page.goto(`${base}/c/${slug}/members`);
      const row = page.locator('.member[data-number]', { hasText: t.guest });
      await row.getByRole('button', { name: t.make_host }).click();
      await toast(page, t.made_host(t.guest));
      await row.getByRole('button', { name: t.remove(t.guest) }).click();
      await page.getByTestId('confirm').getByRole('dialog').waitFor();
      await a11y(page, 'confirmation sheet');
      await shots(page, `${lang}-g07-confirm-remove`);
      await confirm_sheet(page, t.remove_btn);
      await toast(page, t.removed(t.guest));
      await row.waitFor({ state: 'detached' });
    });

    await check('account: a wrong current password said at its field; tokens under « Advanced », and leaving a community (confirmed in a sheet)', async () => {
      // The guest, removed from the host's community, has one of their own and invites the host.
      const { community } = await call(others, base, 'POST', '/communities', { name: t.guest_community });
      const { invitation } = await call(others, base, 'POST', `/communities/${community.slug}/invitations`, {});
      await call(ctx, base, 'POST', `/invitations/${invitation.code}/accept`);
      await page.goto(`${base}/account`);
      // A wrong current password is said under its field, not as a log-in's « wrong email ».
      await page.getByLabel(t.current_password).fill('not my password at all');
      await page.getByLabel(t.new_password).fill(PASSWORD + ' again');
      await page.getByRole('button', { name: t.change_password }).click();
      await field_error(t.current_password).filter({ hasText: t.wrong_current }).waitFor();
      if (await page.getByRole('heading', { name: t.tokens }).isVisible()) throw new Error('the tokens are not folded under Advanced');
      await page.getByTestId('advanced').locator('summary').click();
      await page.getByRole('heading', { name: t.tokens }).waitFor();
      const row = page.getByTestId('my-communities').locator(`li[data-slug="${community.slug}"]`);
      await row.getByRole('button', { name: t.leave }).click();
      await page.getByTestId('confirm').getByRole('dialog').waitFor();
      await a11y(page, 'account, leaving a community');
      await shots(page, `${lang}-g08-confirm-leave`);
      await confirm_sheet(page, t.leave_btn);
      await toast(page, t.left(t.guest_community));
      await row.waitFor({ state: 'detached' });
      const { memberships } = await call(ctx, base, 'GET', '/me');
      if (memberships.some((m) => m.community.slug === community.slug)) throw new Error('still a member after leaving');
    });
  } catch (e) {
    console.log(`  ${lang} host guided: ${e.message}`);
    await step(`${lang} host guided: set-up`, () => Promise.reject(e));
  } finally {
    await ctx.close();
    await others.close();
  }
}

export async function host_guided(browser, server) {
  for (const lang of ['fr', 'en']) {
    console.log(`host guided (${lang})`);
    await guided(browser, server, lang);
  }
}
