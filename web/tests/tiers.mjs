// Issue 14's tiers, in the browser, French then English. Ana, the host on a laptop, opens the
// « Niveaux » card of her host tools: a tier without a name is refused next to its field; she
// adds two tiers with names in both languages and prices (shown in her locale: « 5,00 $ / mois »,
// "$5.00 / month", « une fois »), and edits one in its sheet. Béa, a member on a phone, reads the
// community's tiers on the members page. Ana gives Béa a tier until a date from the directory's
// sheet: Béa's page says it at once (member.tiers.changed), the directory shows the badge, the
// card counts one member. Ana removes the other tier after the confirming sheet: it leaves Béa's
// page at once (tier.changed). Screenshots of each state, axe on each screen.
import { a11y, results, shot, three_people } from './harness.mjs';

const T = {
  fr: {
    locale: 'fr-CA', accept_language: 'fr-CA,fr',
    host: 'Ana Roy', guest: 'Béa Gagnon', third: 'Marc Côté', community: 'Le Club du Quai',
    name_fr: 'Nom en français', name_en: 'Nom en anglais', desc_fr: 'Description en français', desc_en: 'Description en anglais',
    price: 'Prix', currency: 'Devise', period: 'Fréquence', create: 'Ajouter le niveau', save: 'Enregistrer', name_needed: 'Donne un nom au niveau',
    edit: (n) => `Modifier le niveau ${n}`, remove: (n) => `Supprimer le niveau ${n}`, remove_confirm: 'Supprimer le niveau',
    member_tiers: (n) => `Niveaux de ${n}`, end: (n) => `Date de fin pour « ${n} »`,
    one: 'Ami', one_en: 'Friend', two: 'Premier rang', two_en: 'Front row',
    shown_one: 'Ami', shown_two: 'Premier rang', one_price: '5,00 $ / mois', one_price_edited: '7,50 $ / mois', two_price: '50,00 $ une fois',
    desc_one: 'Tu soutiens le club chaque mois.', desc_two: 'Une place réservée au premier rang, pour la saison.',
    section: 'Les niveaux de la communauté', none: 'Tu n’as pas de niveau pour l’instant.', mine: 'Tes niveaux : Ami (jusqu’au', one_member: '1 membre',
  },
  en: {
    locale: 'en-CA', accept_language: 'en-CA,en',
    host: 'Sam Hill', guest: 'Zoë Grant', third: 'Mark Cole', community: 'Harbour Club',
    name_fr: 'Name in French', name_en: 'Name in English', desc_fr: 'Description in French', desc_en: 'Description in English',
    price: 'Price', currency: 'Currency', period: 'How often', create: 'Add tier', save: 'Save', name_needed: 'Give the tier a name',
    edit: (n) => `Edit the tier ${n}`, remove: (n) => `Remove the tier ${n}`, remove_confirm: 'Remove tier',
    member_tiers: (n) => `Tiers of ${n}`, end: (n) => `End date for “${n}”`,
    one: 'Ami', one_en: 'Friend', two: 'Premier rang', two_en: 'Front row',
    shown_one: 'Friend', shown_two: 'Front row', one_price: '$5.00 / month', one_price_edited: '$7.50 / month', two_price: '$50.00 one time',
    desc_one: 'You support the club every month.', desc_two: 'A seat held in the front row, for the season.',
    section: 'The community’s tiers', none: 'You don’t hold a tier yet.', mine: 'Your tiers: Friend (until', one_member: '1 member',
  },
};

/** Spaces of any kind as one plain space: Intl writes « 5,00 $ » with a no-break space. */
const plain = (s) => s.replace(/\s+/g, ' ').trim();

/** A day `days` from now, as a date input takes it (the device's clock). */
function day_in(days) {
  const d = new Date(Date.now() + days * 86400000);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

async function one_language(browser, server, lang) {
  const t = T[lang];
  const cast = await three_people(browser, server, lang, t, 'tiers');
  const { base, slug, host, guest, check, call, close } = cast;
  try {
    const card = host.getByTestId('tiers-card');
    const row = (name) => card.getByTestId('tiers-list').locator('li', { has: host.locator('.tier__name', { hasText: name }) });

    await check('the host tools’ « Tiers » card: a tier without a name is refused by its field; two tiers with prices in both languages', async () => {
      await host.goto(`${base}/c/${slug}/host`);
      await card.waitFor();
      const form = card.getByTestId('tier-new-form');
      await form.getByRole('button', { name: t.create }).click();
      await form.locator('.field__error', { hasText: t.name_needed }).waitFor();
      const add = async (fr, en, desc_fr, desc_en, amount, period) => {
        await form.getByLabel(t.name_fr).fill(fr);
        await form.getByLabel(t.name_en).fill(en);
        await form.getByLabel(t.desc_fr).fill(desc_fr);
        await form.getByLabel(t.desc_en).fill(desc_en);
        await form.getByLabel(t.price).fill(amount);
        if ((await form.getByLabel(t.currency).inputValue()) !== 'CAD') throw new Error('the currency is not CAD by default');
        await form.getByLabel(t.period).selectOption(period);
        const created = host.waitForResponse((r) => r.url().endsWith(`/communities/${slug}/tiers`) && r.request().method() === 'POST');
        await form.getByRole('button', { name: t.create }).click();
        if ((await created).status() !== 201) throw new Error(`creating ${fr}: ${(await created).status()}`);
        await row(lang === 'fr' ? fr : en).waitFor();
        if (await form.getByLabel(t.name_fr).inputValue()) throw new Error('the form was not emptied after adding');
      };
      await add(T.fr.one, T.en.one_en, T.fr.desc_one, T.en.desc_one, lang === 'fr' ? '5' : '5.00', 'month');
      await add(T.fr.two, T.en.two_en, T.fr.desc_two, T.en.desc_two, '50', 'once');
      const names = await card.getByTestId('tiers-list').locator('.tier__name').allInnerTexts();
      if (names.join('|') !== `${t.shown_one}|${t.shown_two}`) throw new Error(`the tiers read ${names.join('|')}`);
      const prices = (await card.getByTestId('tier-price').allInnerTexts()).map(plain);
      if (prices.join('|') !== `${t.one_price}|${t.two_price}`) throw new Error(`the prices read ${prices.join('|')}`);
      if (!(await row(t.shown_one).innerText()).includes(lang === 'fr' ? T.fr.desc_one : T.en.desc_one)) throw new Error('the description is not shown in the reader’s language');
      await a11y(host, 'host tools with two tiers');
      await card.getByTestId('tiers-list').scrollIntoViewIfNeeded();
      await shot(host, `tiers-${lang}-01-card-laptop`);
    });

    await check('editing a tier in its sheet: the price changes, the list follows', async () => {
      await row(t.shown_one).getByRole('button', { name: t.edit(t.shown_one) }).click();
      const sheet = host.getByTestId('tier-sheet').getByRole('dialog');
      await sheet.waitFor();
      if ((await sheet.getByLabel(t.name_fr).inputValue()) !== T.fr.one) throw new Error('the sheet does not hold the French name');
      await sheet.getByLabel(t.price).fill(lang === 'fr' ? '7,50' : '7.50');
      await a11y(host, 'a tier’s edit sheet');
      await shot(host, `tiers-${lang}-02-edit-sheet-laptop`);
      const saved = host.waitForResponse((r) => /\/tiers\/\d+$/.test(r.url()) && r.request().method() === 'PATCH');
      await sheet.getByRole('button', { name: t.save, exact: true }).click();
      if ((await saved).status() !== 200) throw new Error(`PATCH answered ${(await saved).status()}`);
      await sheet.waitFor({ state: 'detached' });
      await row(t.shown_one).getByTestId('tier-price').filter({ hasText: lang === 'fr' ? '7,50' : '7.50' }).waitFor();
      if (plain(await row(t.shown_one).getByTestId('tier-price').innerText()) !== t.one_price_edited) throw new Error('the edited price reads otherwise');
    });

    const { tiers } = await call('host', 'GET', `/communities/${slug}/tiers`);
    const [first, second] = tiers;
    const guest_id = (await call('guest', 'GET', '/me')).account.id;
    const end_day = day_in(30);

    await check('the member’s « Tiers » section on a phone: the community’s tiers in her language, none held', async () => {
      await guest.goto(`${base}/c/${slug}/members`);
      const section = guest.getByTestId('community-tiers');
      await section.getByText(t.section).waitFor();
      const text = plain(await section.innerText());
      for (const s of [t.shown_one, t.shown_two, t.one_price_edited, t.two_price]) if (!text.includes(s)) throw new Error(`the section lacks « ${s} »: ${text}`);
      await section.getByTestId('my-tiers').getByText(t.none).waitFor();
      await a11y(guest, 'members page with the tiers');
      await shot(guest, `tiers-${lang}-03-members-phone`);
    });

    await check('the host gives the guest a tier until a date from the directory: her page says it at once, the badge shows', async () => {
      await host.goto(`${base}/c/${slug}/members`);
      await host.getByRole('button', { name: t.member_tiers(t.guest) }).click();
      const sheet = host.getByTestId('member-tiers-sheet').getByRole('dialog');
      await sheet.waitFor();
      await sheet.getByRole('checkbox', { name: new RegExp(`^${t.shown_one}`) }).check();
      await sheet.getByLabel(t.end(t.shown_one)).fill(end_day);
      await a11y(host, 'a member’s tiers sheet');
      await shot(host, `tiers-${lang}-04-grant-sheet-laptop`);
      const put = host.waitForResponse((r) => r.url().endsWith(`/members/${guest_id}/tiers`) && r.request().method() === 'PUT');
      await sheet.getByRole('button', { name: t.save, exact: true }).click();
      const sent = JSON.parse((await put).request().postData() ?? '{}');
      if ((await put).status() !== 200) throw new Error(`PUT answered ${(await put).status()}`);
      if (sent.tiers?.length !== 1 || sent.tiers[0].tier_id !== first.id || !/[+-]\d\d:\d\d$|Z$/.test(sent.tiers[0].ends_at)) throw new Error(`sent ${JSON.stringify(sent)}`);
      await sheet.waitFor({ state: 'detached' });
      // The host's browser runs on this machine's clock: the end is the last second of that day there.
      const held = (await call('host', 'GET', `/communities/${slug}/members/${guest_id}/tiers`)).tiers;
      if (held.length !== 1 || Date.parse(held[0].ends_at) !== new Date(`${end_day}T23:59:59`).getTime()) throw new Error(`the guest holds ${JSON.stringify(held)}`);
      const guest_row = host.locator('li.member', { hasText: t.guest });
      await guest_row.getByTestId('tier-badges').getByText(t.shown_one).waitFor();
      // Live on the guest's phone: member.tiers.changed.
      await guest.getByTestId('my-tiers').getByText(t.mine).waitFor();
      await a11y(guest, 'members page with a tier held');
      await shot(guest, `tiers-${lang}-05-held-phone`);
      await shot(host, `tiers-${lang}-06-directory-laptop`);
    });

    await check('the card counts the holder; removing a tier asks first, then it leaves the guest’s page at once', async () => {
      await host.goto(`${base}/c/${slug}/host`);
      await row(t.shown_one).getByTestId('tier-members').getByText(t.one_member).waitFor();
      await row(t.shown_two).getByRole('button', { name: t.remove(t.shown_two) }).click();
      const confirm = host.getByTestId('confirm').getByRole('dialog');
      await confirm.waitFor();
      await a11y(host, 'removing a tier');
      await shot(host, `tiers-${lang}-07-remove-confirm-laptop`);
      const removed = host.waitForResponse((r) => r.url().endsWith(`/tiers/${second.id}`) && r.request().method() === 'DELETE');
      await confirm.getByRole('button', { name: t.remove_confirm, exact: true }).click();
      if ((await removed).status() !== 204) throw new Error(`DELETE answered ${(await removed).status()}`);
      await row(t.shown_two).waitFor({ state: 'detached' });
      await guest.getByTestId('community-tiers').getByText(t.shown_two).waitFor({ state: 'detached' });
      const left = (await call('guest', 'GET', `/communities/${slug}/tiers`)).tiers.map((x) => x.id);
      if (left.join() !== String(first.id)) throw new Error(`the tiers left are ${left}`);
      await shot(guest, `tiers-${lang}-08-after-remove-phone`);
    });
  } finally {
    await close();
  }
}

/** Issue 14's tiers, in French then English (called from run.mjs's main). */
export async function tiers_story(browser, server) {
  for (const lang of ['fr', 'en']) {
    console.log(`tiers (${lang})`);
    try {
      await one_language(browser, server, lang);
    } catch (e) {
      console.log(`  tiers ${lang} stopped: ${e.message}`);
      results.failed += 1;
      results.failures.push(`tiers ${lang}: set-up`);
    }
  }
}
