#!/usr/bin/env node
// Does a server binary speak stream protocol v2? node tests/stream-v2-probe.mjs /path/to/petitesalle
// Starts it on a free loopback port with a fresh data folder, signs up, opens the stream with a
// personal token, sends {"type":"resume","communities":{}} and prints the frames. Exit 0 when the
// hello carries "communities" (v2), 1 when it does not, 2 when the server could not be probed.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { free_port } from './harness.mjs';

const bin = process.argv[2] ?? process.env.PETITESALLE_BIN;
if (!bin || !fs.existsSync(bin)) {
  console.log(`no binary at ${bin}`);
  process.exit(2);
}
const port = await free_port();
const base = `http://127.0.0.1:${port}`;
const data = fs.mkdtempSync(path.join(os.tmpdir(), 'petitesalle-probe-'));
const child = spawn(bin, ['serve', '--listen', `127.0.0.1:${port}`, '--data', data, '--public-url', base, '--fast-password-hashing'], { stdio: 'ignore' });
const done = (code) => {
  child.kill('SIGTERM');
  fs.rmSync(data, { recursive: true, force: true });
  process.exit(code);
};
setTimeout(() => (console.log('no answer within 60 s'), done(2)), 60000).unref();
try {
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(base + '/healthz')).ok) break;
    } catch {}
    if (i > 300) throw new Error('no /healthz');
    await new Promise((r) => setTimeout(r, 100));
  }
  const h = { 'Content-Type': 'application/json' };
  let r = await fetch(base + '/api/v1/accounts', { method: 'POST', headers: h, body: JSON.stringify({ email: 'probe@example.com', password: 'correct horse battery', display_name: 'Probe' }) });
  const cookie = r.headers.get('set-cookie').split(';')[0];
  r = await fetch(base + '/api/v1/tokens', { method: 'POST', headers: { ...h, Cookie: cookie }, body: '{"name":"probe"}' });
  const token = (await r.json()).token;
  await fetch(base + '/api/v1/communities', { method: 'POST', headers: { ...h, Authorization: 'Bearer ' + token }, body: '{"name":"Probe"}' });
  const ws = new WebSocket(base.replace('http', 'ws') + '/api/v1/stream', { headers: { Authorization: 'Bearer ' + token } });
  const frames = [];
  ws.onopen = () => ws.send('{"type":"resume","communities":{}}');
  ws.onmessage = (m) => {
    console.log('<<', String(m.data).slice(0, 300));
    frames.push(JSON.parse(m.data));
  };
  await new Promise((r) => setTimeout(r, 1500));
  ws.close();
  const hello = frames.find((f) => f.type === 'hello');
  const v2 = !!hello && typeof hello.communities === 'object' && hello.communities !== null;
  console.log(v2 ? 'v2: the hello carries "communities"' : 'not v2: the hello has no "communities"');
  done(v2 ? 0 : 1);
} catch (e) {
  console.log('probe failed:', e.message);
  done(2);
}
