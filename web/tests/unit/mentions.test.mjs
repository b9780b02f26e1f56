// Mentions (issue 13): what is typed after « @ », a name picked into the box, the box's `@Name`
// turned into the `<@id>` the server reads and back (outside code only), the server's HTML shown
// with current names, search snippets with names for ids, and the autocomplete's requests
// (debounced, a stale one stopped, its answer dropped).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import './dom-stubs.mjs';

const { mentions: M, mention_render: R, mention_finder: F } = await import(process.env.PS_WEB_UNIT_BUNDLE);

const at_end = (text) => M.mention_query(text, text.length);

test('mentions: « @ » then letters at the start of a word is a mention being typed; an email or code is not', () => {
  assert.deepEqual(at_end('Salut @bea'), { start: 6, q: 'bea' });
  assert.deepEqual(at_end('@Bé'), { start: 0, q: 'Bé' });
  assert.deepEqual(at_end('(@jo'), { start: 1, q: 'jo' });
  assert.deepEqual(at_end('ligne\n@chlo'), { start: 6, q: 'chlo' });
  assert.equal(at_end('Salut @'), null, 'not before a letter');
  assert.equal(at_end('ana@example'), null, 'an email address');
  assert.equal(at_end('@bea gagnon'), null, 'a space ends it');
  assert.equal(at_end('du code `@bea'), null, 'in a code span being written');
  assert.equal(at_end('```\n@bea'), null, 'in a fenced block');
  assert.deepEqual(at_end('`x` puis @bea'), { start: 9, q: 'bea' }, 'after a closed code span');
  // The caret in the middle of the text: only what is before it counts.
  assert.deepEqual(M.mention_query('Allô @be et toi', 8), { start: 5, q: 'be' });
});

test('mentions: picking replaces what was typed with « @Name » and a space, the caret after it', () => {
  assert.deepEqual(M.insert_mention('Salut @be', 6, 9, 'Béa Gagnon'), { text: 'Salut @Béa Gagnon ', caret: 18 });
  // The rest of the word typed goes too; a space already there is kept, not doubled.
  assert.deepEqual(M.insert_mention('Salut @be! ok', 6, 8, 'Béa'), { text: 'Salut @Béa ! ok', caret: 11 });
  assert.deepEqual(M.insert_mention('Salut @be toi', 6, 9, 'Béa'), { text: 'Salut @Béa toi', caret: 11 });
  assert.deepEqual(M.insert_mention('@jo et toi', 0, 3, 'Jo Roy'), { text: '@Jo Roy et toi', caret: 8 });
});

test('mentions: « @Name » of a picked name becomes <@id> at send, as a whole word, outside code', () => {
  const picks = { 'Béa Gagnon': 2, 'Béa': 5, Jo: 7 };
  assert.equal(M.to_body('Salut @Béa Gagnon et @Jo!', picks), 'Salut <@2> et <@7>!');
  assert.equal(M.to_body('@Béa, tu viens?', picks), '<@5>, tu viens?', 'the longest name that fits');
  assert.equal(M.to_body('@Joanne est là', picks), '@Joanne est là', 'not part of a longer name');
  assert.equal(M.to_body('courriel jo@Jo.com', picks), 'courriel jo@Jo.com', 'not inside a word');
  assert.equal(M.to_body('`@Jo` et ```\n@Jo\n``` mais @Jo', picks), '`@Jo` et ```\n@Jo\n``` mais <@7>', 'nothing in code');
  assert.equal(M.to_body('@Jo (ami)', { 'Jo (ami)': 3 }), '<@3>', 'a name with brackets');
  assert.equal(M.to_body('Rien ici', {}), 'Rien ici');
});

test('mentions: a body with <@id> shows names in the box, and comes back the same at send', () => {
  const names = new Map([[2, 'Béa Gagnon'], [7, 'Jo']]);
  const body = 'Salut <@2> et <@7>! `<@2>` <@99>';
  const { text, picks } = M.from_body(body, (id) => names.get(id));
  assert.equal(text, 'Salut @Béa Gagnon et @Jo! `<@2>` <@99>', 'an unknown id stays a token; code stays code');
  assert.deepEqual(picks, { 'Béa Gagnon': 2, Jo: 7 });
  assert.equal(M.to_body(text, picks), body);
  // Two people with the same name: the second keeps its token, so it still mentions the right one.
  const twins = M.from_body('<@2> et <@3>', (id) => (id === 2 || id === 3 ? 'Julie' : undefined));
  assert.equal(twins.text, '@Julie et <@3>');
  assert.equal(M.to_body(twins.text, twins.picks), '<@2> et <@3>');
});

test('mentions: the names the server wrote into HTML, by id', () => {
  const html = '<p>Allô <span class="mention" data-account-id="2">@B&amp;a</span> et <span class="mention" data-account-id="7">@Jo</span></p>';
  assert.deepEqual([...M.names_in_html(html)], [[2, 'B&a'], [7, 'Jo']]);
});

test('mentions: the server’s HTML shows current names, escaped, and marks the ones that call the reader', () => {
  const html = '<p><span class="mention" data-account-id="2">@Béa</span>, <span class="mention" data-account-id="9">@Ancien</span> <span class="mention" data-mention="everyone">@everyone</span></p>';
  const names = new Map([[2, 'Béa <G>']]);
  const out = R.present_mentions(html, (id) => names.get(id), 2);
  assert.equal(out, '<p><span class="mention mention--me" data-account-id="2">@Béa &lt;G&gt;</span>, <span class="mention" data-account-id="9">@Ancien</span> <span class="mention mention--me" data-mention="everyone">@everyone</span></p>');
  assert.equal(R.present_mentions('<p>rien</p>', () => 'x', 1), '<p>rien</p>');
  const members = [{ account_id: 3, display_name: 'Chloé' }];
  assert.equal(R.member_name(members, 3), 'Chloé');
  assert.equal(R.member_name(members, 4), undefined);
  assert.equal(R.member_name(members, 4, { id: 4, display_name: 'Moi' }), 'Moi');
});

test('finder: asks once after the pause with the last letters; a stale request is stopped and its answer dropped', async () => {
  const asked = [];
  const answers = [];
  let notified = 0;
  const finder = new F.MentionFinder((q, signal) => {
    asked.push({ q, signal });
    return new Promise((resolve) => answers.push(() => resolve({ members: [{ id: 1, display_name: q }], everyone: false, here: false })));
  }, () => (notified += 1), 20);
  finder.ask('b');
  finder.ask('be');
  finder.ask('bea');
  await new Promise((r) => setTimeout(r, 40));
  assert.deepEqual(asked.map((a) => a.q), ['bea'], 'one request, after the pause');
  finder.ask('beat');
  await new Promise((r) => setTimeout(r, 40));
  assert.deepEqual(asked.map((a) => a.q), ['bea', 'beat']);
  assert.equal(asked[0].signal.aborted, true, 'the stale request was stopped');
  answers[0]();
  answers[1]();
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(finder.shown_q, 'beat');
  assert.equal(finder.answer.members[0].display_name, 'beat');
  assert.equal(notified, 1, 'the stale answer changed nothing');
  finder.ask(null);
  assert.equal(finder.answer, null, 'closed at once');
  finder.stop();
});

test('snippets: a mention’s raw token is shown as @Name, escaped, its <mark> kept; someone unknown is « @membre »', () => {
  const names = new Map([[12, 'Béa <3'], [7, 'Jo']]);
  const name_of = (id) => names.get(id);
  assert.equal(R.snippet_names('Salut &lt;@12&gt;, le <mark>spectacle</mark> &lt;@99&gt;', name_of, 'membre'), 'Salut @Béa &lt;3, le <mark>spectacle</mark> @membre');
  assert.equal(R.snippet_names('&lt;@<mark>7</mark>&gt; vient', name_of, 'member'), '<mark>@Jo</mark> vient', 'an id marked: the name marked');
  assert.equal(R.snippet_names('a &lt;b&gt; &lt;@x&gt;', name_of, 'membre'), 'a &lt;b&gt; &lt;@x&gt;', 'other escaped text stays');
});
