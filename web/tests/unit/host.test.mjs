// The host's checklist: each step's « done » from the API's data; the localhost warning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import './dom-stubs.mjs';

const { checklist, is_local_address } = await import(process.env.PS_WEB_UNIT_BUNDLE);

const community = { id: 1, slug: 'quai', name: 'Le Quai', description: '', member_count: 1 };
const channel = (extra = {}) => ({ id: 7, community_id: 1, name: 'jasette', archived: false, last_seq: 0, last_read_seq: 0, unread: 0, ...extra });
const invitation = (extra = {}) => ({ code: 'k', url: 'http://x/i/k', max_uses: null, uses: 0, expires_at: null, revoked: false, created_by: 1, created_at: '', ...extra });

test('checklist: nothing done in a new community; each step done by its own data', () => {
  assert.deepEqual(checklist.guide_steps(community, [], []), { describe: false, channels: false, welcome: false, invite: false });
  assert.equal(checklist.guide_steps({ ...community, description: '  ' }, [], []).describe, false);
  assert.equal(checklist.guide_steps({ ...community, description: 'Le café' }, [], []).describe, true);
  assert.equal(checklist.guide_steps(community, [channel({ archived: true })], []).channels, false, 'an archived channel is not a first channel');
  assert.equal(checklist.guide_steps(community, [channel()], []).channels, true);
  assert.equal(checklist.guide_steps(community, [channel()], []).welcome, false);
  assert.equal(checklist.guide_steps(community, [channel({ last_seq: 1 })], []).welcome, true);
  assert.equal(checklist.guide_steps(community, [], [invitation()]).invite, true);
  assert.equal(checklist.guide_steps({ ...community, member_count: 2 }, [], []).invite, true, 'someone came in by a link since revoked');
});

test('checklist: the link shared is a live one (not revoked, expired or used up)', () => {
  const now = Date.parse('2026-12-01T12:00:00Z');
  assert.equal(checklist.is_live(invitation(), now), true);
  assert.equal(checklist.is_live(invitation({ revoked: true }), now), false);
  assert.equal(checklist.is_live(invitation({ expires_at: '2026-12-01T11:00:00Z' }), now), false);
  assert.equal(checklist.is_live(invitation({ max_uses: 1, uses: 1 }), now), false);
});

test('host tools: the public URL warning is for addresses that only work on the server’s machine', () => {
  for (const url of ['http://localhost:8080/i/x', 'http://127.0.0.1:41234/i/x', 'http://[::1]:8080/i/x', 'http://salle.localhost/i/x']) assert.equal(is_local_address(url), true, url);
  for (const url of ['https://salle.example.com/i/x', 'http://192.168.1.20:8080/i/x', 'not a url']) assert.equal(is_local_address(url), false, url);
});
