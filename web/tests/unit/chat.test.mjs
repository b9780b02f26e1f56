// The phone chat's plain logic (issue 10): who is writing (timing and clearing), the draft
// store, the emoji search (both languages, accents and ligatures folded), the join lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import './dom-stubs.mjs';

const { typing, drafts, emoji, joins, state, dispatch } = await import(process.env.PS_WEB_UNIT_BUNDLE);

const ME = 2;
const frame = (account_id, display_name, channel_id = 7) => ({ type: 'typing', community_id: 1, channel_id, account_id, display_name });

// ---- Typing

test('typing: a name shows for 6 s after its last frame, then goes', () => {
  typing.forget_typing();
  typing.note_typing(frame(1, 'Julie'), ME, 1000);
  assert.deepEqual(typing.typing_in(7, 1000), ['Julie']);
  assert.deepEqual(typing.typing_in(7, 1000 + typing.SHOW_MS - 1), ['Julie']);
  assert.deepEqual(typing.typing_in(7, 1000 + typing.SHOW_MS), []);
  // Another frame 3 s later keeps it 6 s from then.
  typing.note_typing(frame(1, 'Julie'), ME, 4000);
  assert.deepEqual(typing.typing_in(7, 9000), ['Julie']);
  assert.deepEqual(typing.typing_in(8, 4000), [], 'only in its own channel');
  typing.forget_typing();
});

test('typing: a message from that person in that channel clears the name at once (not in another channel)', () => {
  typing.forget_typing();
  const now = Date.now();
  typing.note_typing(frame(1, 'Julie', 7), ME, now);
  typing.note_typing(frame(1, 'Julie', 8), ME, now);
  typing.note_typing(frame(3, 'Marc', 7), ME, now);
  typing.note_message_from(7, 1);
  assert.deepEqual(typing.typing_in(7, now), ['Marc']);
  assert.deepEqual(typing.typing_in(8, now), ['Julie']);
  typing.forget_typing();
});

test('typing: through dispatch, a message.created from the writer clears it; our own frames are ignored', () => {
  typing.forget_typing();
  state.session.me = { id: ME, display_name: 'Béa', locale: 'fr', created_at: '' };
  dispatch(frame(1, 'Julie'));
  dispatch(frame(ME, 'Béa'));
  assert.deepEqual(typing.typing_in(7), ['Julie']);
  const message = { id: 50, seq: 9, channel_id: 7, author: { id: 1, display_name: 'Julie' }, body: 'Allô', html: '<p>Allô</p>', created_at: new Date().toISOString(), edited_at: null, deleted: false, parent_id: null, reply_count: 0, client_id: null, reactions: [] };
  dispatch({ type: 'message.created', community_id: 1, pos: 3, channel_id: 7, seq: 9, message });
  assert.deepEqual(typing.typing_in(7), []);
  typing.forget_typing();
});

test('typing: one name, two names, then "several people"; a rename follows', () => {
  typing.forget_typing();
  const say = { one: (a) => `${a} écrit…`, two: (a, b) => `${a} et ${b} écrivent…`, many: () => 'Plusieurs personnes écrivent…' };
  typing.note_typing(frame(1, 'Julie'), ME, 1000);
  assert.equal(typing.typing_line(typing.typing_in(7, 1000), say), 'Julie écrit…');
  typing.note_typing(frame(3, 'Marc'), ME, 1100);
  assert.equal(typing.typing_line(typing.typing_in(7, 1100), say), 'Julie et Marc écrivent…', 'the first to start first');
  typing.note_typing(frame(4, 'Léa'), ME, 1200);
  assert.equal(typing.typing_line(typing.typing_in(7, 1200), say), 'Plusieurs personnes écrivent…');
  typing.rename_typist(1, 'Julie T.');
  assert.deepEqual(typing.typing_in(7, 1200).slice(0, 1), ['Julie T.']);
  assert.equal(typing.typing_line([], say), '');
  typing.forget_typing();
});

test('typing: our frames go out at most once every 3 s, only for a text that is not blank and changes', () => {
  let now = 0;
  const sent = [];
  const s = typing.typing_sender((c) => sent.push([c, now]), () => now);
  s.input(7, '');
  s.input(7, '   ');
  assert.deepEqual(sent, [], 'a blank box says nothing');
  s.input(7, 'A');
  now = 1000; s.input(7, 'Al');
  now = 2999; s.input(7, 'All');
  assert.deepEqual(sent, [[7, 0]]);
  now = 3000; s.input(7, 'Allô');
  assert.deepEqual(sent, [[7, 0], [7, 3000]]);
  now = 7000; s.input(7, 'Allô');
  assert.equal(sent.length, 2, 'the same text again (a focus, a key that changes nothing) says nothing');
  s.input(8, 'Salut');
  assert.deepEqual(sent.at(-1), [8, 7000], 'each channel has its own pace');
  now = 7100; s.sent(7); s.input(7, 'Et');
  assert.deepEqual(sent.at(-1), [7, 7100], 'after sending, the next message starts a new round');
});

// ---- Drafts

test('drafts: kept per account, channel and thread, across a reload (localStorage); sent or emptied, gone', () => {
  const a = drafts.draft_key(2, 7, null);
  const t = drafts.draft_key(2, 7, 40);
  const other = drafts.draft_key(3, 7, null);
  drafts.set_draft(a, 'Allô la gang');
  drafts.set_draft(t, 'Dans le fil');
  assert.equal(drafts.get_draft(a), 'Allô la gang');
  assert.equal(drafts.get_draft(t), 'Dans le fil');
  assert.equal(drafts.get_draft(other), '');
  assert.equal(localStorage.getItem(a), 'Allô la gang', 'in localStorage: survives a reload');
  drafts.set_draft(a, '  ');
  assert.equal(drafts.get_draft(a), '  ', 'the box keeps what is typed');
  assert.equal(localStorage.getItem(a), null, 'a blank draft is not kept across a reload');
  drafts.set_draft(a, '');
  assert.equal(drafts.get_draft(a), '');
});

test('drafts: a quote goes before what is written, as Markdown; log out forgets only that account’s drafts', () => {
  const a = drafts.draft_key(2, 9, null);
  const b = drafts.draft_key(5, 9, null);
  drafts.set_draft(a, 'Moi aussi!');
  drafts.set_draft(b, 'Pas à moi');
  assert.equal(drafts.quote_into(a, 'Le show est jeudi\n\nà 20 h'), '> Le show est jeudi\n>\n> à 20 h\n\nMoi aussi!');
  assert.equal(drafts.get_draft(a), '> Le show est jeudi\n>\n> à 20 h\n\nMoi aussi!');
  drafts.forget_drafts(2);
  assert.equal(drafts.get_draft(a), '');
  assert.equal(localStorage.getItem(a), null);
  assert.equal(drafts.get_draft(b), 'Pas à moi');
});

// ---- Emoji search

const data_dir = path.join(path.dirname(new URL(import.meta.url).pathname), '../../node_modules/emojibase-data');
const fr_data = JSON.parse(fs.readFileSync(path.join(data_dir, 'fr/compact.json'), 'utf8'));
const en_data = JSON.parse(fs.readFileSync(path.join(data_dir, 'en/compact.json'), 'utf8'));
const versions = JSON.parse(fs.readFileSync(path.join(data_dir, 'versions/emoji.json'), 'utf8'));
const too_new = emoji.newer_than_server(versions);
const index_fr = emoji.build_index(fr_data, en_data, too_new);
const index_en = emoji.build_index(en_data, fr_data, too_new);
const found = (index, q, recent) => emoji.search(index, q, recent).map((e) => e.unicode);

test('emoji: « coeur » finds ❤️ (accents and the œ ligature folded), and so do « cœur » and “heart”, in either language', () => {
  assert.equal(emoji.fold('Cœur Brisé'), 'coeur brise');
  for (const index of [index_fr, index_en]) {
    for (const q of ['coeur', 'cœur', 'COEUR', 'heart', 'Heart']) assert.ok(found(index, q).includes('❤️'), `${q} does not find ❤️`);
  }
  assert.ok(found(index_fr, 'étoile').includes('⭐') && found(index_fr, 'etoile').includes('⭐'));
  assert.ok(found(index_fr, 'cafe').includes('☕') && found(index_en, 'coffee').includes('☕'));
  assert.ok(found(index_fr, 'coeur rouge')[0] === '❤️', 'two words: both must match');
  assert.deepEqual(found(index_fr, 'zzzqqq'), []);
  assert.deepEqual(found(index_fr, '   '), []);
});

test('emoji: labels in the interface’s language; no skin-tone swatches or lone regional letters; fully qualified', () => {
  assert.equal(index_fr.find((e) => e.unicode === '❤️').label, 'cœur rouge');
  assert.equal(index_en.find((e) => e.unicode === '❤️').label, 'red heart');
  assert.ok(!index_fr.some((e) => e.unicode === '🏻' || e.unicode === '🇦'));
  assert.ok(index_fr.length > 1800);
  assert.ok(index_fr.some((e) => e.unicode === '🇨🇦'), 'flags are there');
  // RGI, fully qualified, as the server takes them: U+FE0F only after what shows as text by default.
  const of = (label) => index_fr.find((e) => e.label === label)?.unicode;
  assert.equal(of('étoile'), '⭐');
  assert.equal(of('pouce vers le haut'), '👍');
  assert.equal(of('visage souriant'), '☺️');
  assert.equal(of('drapeau arc-en-ciel'), '🏳️‍🌈');
  assert.ok(!index_fr.some((e) => /^\p{Emoji_Presentation}\uFE0F$/u.test(e.unicode)));
  // Every one of them is one RGI emoji, as the server checks (node knows Unicode's RGI set).
  const not_rgi = index_fr.filter((e) => !/^\p{RGI_Emoji}$/v.test(e.unicode)).map((e) => `${e.unicode} ${e.label}`);
  assert.deepEqual(not_rgi, []);
});

test('emoji: the ones used lately come first among the results, and first in the quick row', () => {
  localStorage.removeItem('ps_recent_emoji');
  const plain = found(index_fr, 'coeur');
  assert.equal(plain[0], '❤️', 'the usual reaction first');
  assert.equal(found(index_en, 'heart')[0], '❤️');
  assert.equal(found(index_fr, 'pouce')[0], '👍');
  const last = plain.at(-1);
  emoji.note_emoji_used('🥰');
  emoji.note_emoji_used(last);
  const now = found(index_fr, 'coeur', emoji.recent_emoji());
  assert.deepEqual(now.slice(0, 2), [last, '🥰']);
  assert.deepEqual(emoji.quick_emoji(), [last, '🥰', '👍', '❤️', '😂', '🎉']);
  emoji.note_emoji_used('🥰');
  assert.deepEqual(emoji.recent_emoji().slice(0, 2), ['🥰', last], 'used again: first, once');
  localStorage.removeItem('ps_recent_emoji');
  assert.deepEqual(emoji.quick_emoji(), emoji.DEFAULT_EMOJI);
});

// ---- Join lines

const msg = (seq, at) => ({ id: seq, seq, channel_id: 1, author: { id: 1, display_name: 'Ana' }, body: `m${seq}`, html: '', created_at: at, edited_at: null, deleted: false, parent_id: null, reply_count: 0, client_id: null, reactions: [] });
const member = (n, at, name = `P${n}`) => ({ account_id: 100 + n, display_name: name, member_number: n, role: 'member', joined_at: at, invited_by: 1 });
const kinds = (lines) => lines.map((l) => (l.kind === 'message' ? `m${l.m.seq}` : `j${l.member.member_number}`));

test('joins: interleaved with the messages by time; a join before a message of the same instant', () => {
  const messages = [msg(1, '2026-12-01T10:00:00.000Z'), msg(2, '2026-12-01T11:00:00.000Z'), msg(3, '2026-12-01T12:00:00.000Z')];
  const members = [member(3, '2026-12-01T11:00:00.000Z'), member(1, '2026-12-01T09:00:00.000Z'), member(2, '2026-12-01T10:30:00.000Z'), member(4, '2026-12-01T13:00:00.000Z')];
  assert.deepEqual(kinds(joins.interleave(messages, members, true)), ['j1', 'm1', 'j2', 'j3', 'm2', 'm3', 'j4']);
  // Older pages not loaded: joins before the oldest message held wait for them.
  assert.deepEqual(kinds(joins.interleave(messages, members, false)), ['m1', 'j2', 'j3', 'm2', 'm3', 'j4']);
  assert.deepEqual(kinds(joins.interleave([], members, false)), ['j1', 'j2', 'j3', 'j4'], 'an empty channel shows everyone who joined');
  assert.deepEqual(kinds(joins.interleave(messages, undefined, true)), ['m1', 'm2', 'm3'], 'members not loaded yet');
});

test('joins: the community’s first channel is the oldest not archived', () => {
  const ch = (id, archived = false) => ({ id, archived });
  assert.equal(joins.first_channel_id([ch(5), ch(3, true), ch(4)]), 4);
  assert.equal(joins.first_channel_id([ch(3, true)]), undefined);
  assert.equal(joins.first_channel_id([]), undefined);
});

test('emoji: the picker offers nothing newer than the server knows (Debian 12’s ICU: Emoji 15.0)', () => {
  // 🫩 (face with bags under eyes) is Emoji 16.0, 🫎 (moose) 15.0, 🙂‍↔️ (head shaking) 15.1.
  const offered = new Set(index_fr.map((e) => e.unicode));
  assert.ok(!offered.has('\u{1FAE9}'), 'Emoji 16.0 left out');
  assert.ok(![...offered].some((u) => u.startsWith('\u{1F642}\u200D\u2194')), 'Emoji 15.1 left out');
  assert.ok(offered.has('\u{1FACE}'), 'Emoji 15.0 still there');
  assert.ok(too_new.size > 100);
});
