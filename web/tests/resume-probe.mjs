// Reproduces the stream resume check of SERVER-NOTES.md: node --experimental-websocket tests/resume-probe.mjs URL LAST_SEQ
// (a fresh server: it signs up a@x.io, makes a community, a channel, 3 messages, then resumes from LAST_SEQ).
const base = process.argv[2];
const j = (r) => r.json();
const h = { 'Content-Type': 'application/json', 'X-Requested-With': 'petitesalle' };
const tok_of = async (email) => {
  let r = await fetch(base + '/api/v1/accounts', { method: 'POST', headers: h, body: JSON.stringify({ email, password: 'correct horse battery', display_name: email.split('@')[0] }) });
  const cookie = r.headers.get('set-cookie').split(';')[0];
  r = await fetch(base + '/api/v1/tokens', { method: 'POST', headers: { ...h, Cookie: cookie }, body: '{"name":"t"}' });
  return (await j(r)).token;
};
const A = await tok_of('a@x.io');
const auth = (t) => ({ ...h, Authorization: 'Bearer ' + t });
let r = await fetch(base + '/api/v1/communities', { method: 'POST', headers: auth(A), body: '{"name":"Test"}' });
const slug = (await j(r)).community.slug;
r = await fetch(base + `/api/v1/communities/${slug}/channels`, { method: 'POST', headers: auth(A), body: '{"name":"g","kind":"chat"}' });
const ch = (await j(r)).channel.id;
for (let i = 0; i < 3; i++) await fetch(base + `/api/v1/channels/${ch}/messages`, { method: 'POST', headers: auth(A), body: JSON.stringify({ body: 'm' + i }) });
const ws = new WebSocket(base.replace('http', 'ws') + '/api/v1/stream', { headers: { Authorization: 'Bearer ' + A } });
ws.onopen = () => { console.log('open'); ws.send(JSON.stringify({ type: 'resume', channels: { [ch]: Number(process.argv[3]) } })); };
ws.onmessage = (m) => console.log('<<', m.data.slice(0, 200));
ws.onerror = (e) => console.log('err', e.message);
ws.onclose = (e) => console.log('close', e.code);
setTimeout(() => process.exit(0), 1500);
