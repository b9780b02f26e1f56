// The plumbing of the browser tests: the server process, the browser, mail, checks and counts.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

export const WEB = path.resolve(new URL('..', import.meta.url).pathname);
export const REPO = path.resolve(WEB, '..');
export const SHOTS = path.join(REPO, 'test-artifacts', 'screenshots');
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };

export async function free_port() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Starts the server binary directly (not through npx) on a free loopback port and a fresh data folder. */
export async function start_server() {
  const bin = process.env.PETITESALLE_BIN;
  if (!bin) throw new Error('PETITESALLE_BIN is not set (path to the petitesalle binary)');
  if (!fs.existsSync(bin)) throw new Error(`PETITESALLE_BIN=${bin} does not exist`);
  const embedded = process.env.PETITESALLE_EMBEDDED === '1';
  const dist = path.join(WEB, 'dist');
  if (!embedded && !fs.existsSync(path.join(dist, 'index.html'))) {
    console.log('web/dist is missing: building it first (npm run build)');
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: WEB, stdio: 'inherit' });
  }
  const port = await free_port();
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'petitesalle-web-'));
  const url = `http://127.0.0.1:${port}`;
  const args = ['serve', '--listen', `127.0.0.1:${port}`, '--data', data, '--public-url', url, '--fast-password-hashing'];
  if (!embedded) args.push('--web-root', dist);
  fs.mkdirSync(path.join(REPO, 'test-artifacts'), { recursive: true });
  const log = fs.openSync(path.join(REPO, 'test-artifacts', 'server.log'), 'w');
  const child = spawn(bin, args, { stdio: ['ignore', log, log] });
  let exited = null;
  child.on('exit', (code, sig) => (exited = code ?? sig));
  const deadline = Date.now() + 30000;
  for (;;) {
    if (exited !== null) throw new Error(`server exited early (${exited}); see test-artifacts/server.log`);
    try {
      const r = await fetch(url + '/healthz');
      if (r.status === 200) break;
    } catch {}
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('server did not answer /healthz within 30 s');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    data,
    async stop() {
      if (exited !== null) return;
      child.kill('SIGTERM');
      await Promise.race([new Promise((r) => child.once('exit', r)), new Promise((r) => setTimeout(r, 5000))]);
      if (exited === null) child.kill('SIGKILL');
    },
  };
}

export async function launch_browser() {
  fs.rmSync(SHOTS, { recursive: true, force: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Sets an invitation's expiry in the past, straight in the server's database. */
export function expire_invitation(server, code) {
  execFileSync('/usr/bin/python3', [
    '-c',
    "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('UPDATE invitations SET expires_at=1 WHERE code=?',(sys.argv[2],)); c.commit()",
    path.join(server.data, 'petitesalle.db'),
    code,
  ]);
}

// ---- Mail: maildir files in DATA/mail/new, parsed as MIME.

function decode_qp(s) {
  const bytes = [];
  const text = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(text[i], 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

function parse_headers(block) {
  const h = {};
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) h[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return h;
}

/** The text of every leaf part of a MIME message, decoded. */
export function mime_texts(raw) {
  const split = raw.search(/\r?\n\r?\n/);
  const head = parse_headers(split < 0 ? raw : raw.slice(0, split));
  const body = split < 0 ? '' : raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const type = head['content-type'] ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (/^multipart\//i.test(type) && boundary) {
    return body
      .split('--' + boundary)
      .slice(1)
      .filter((p) => !p.startsWith('--'))
      .flatMap((p) => mime_texts(p.replace(/^\r?\n/, '')));
  }
  const cte = (head['content-transfer-encoding'] ?? '').toLowerCase();
  if (cte === 'base64') return [Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')];
  if (cte === 'quoted-printable') return [decode_qp(body)];
  return [body];
}

/** Waits for a mail to `to` containing a login link; returns the link. */
export async function wait_login_link(server, to, after_ms) {
  return (await wait_mail(server, to, after_ms, '/login/[A-Za-z0-9_~.%-]+', 'login-link')).link;
}

/**
 * Waits for a mail to `to` (written since `after_ms`) holding a link of the server's public URL
 * followed by `path_re` (a regular expression's source); returns the link, the mail's headers
 * and the texts of its parts. `what` names it in the failure.
 */
export async function wait_mail(server, to, after_ms, path_re, what = 'link') {
  const dir = path.join(server.data, 'mail', 'new');
  const deadline = Date.now() + 20000;
  const re = new RegExp(server.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + path_re);
  while (Date.now() < deadline) {
    if (fs.existsSync(dir)) {
      const files = fs.readdirSync(dir).map((f) => path.join(dir, f)).filter((f) => fs.statSync(f).mtimeMs >= after_ms - 1000);
      for (const f of files) {
        const raw = fs.readFileSync(f, 'utf8');
        const headers = parse_headers(raw.slice(0, raw.search(/\r?\n\r?\n/)));
        if (!(headers['to'] ?? '').toLowerCase().includes(to.toLowerCase())) continue;
        for (const text of mime_texts(raw)) {
          const m = re.exec(text.replace(/&amp;/g, '&'));
          if (m) return { link: m[0], headers, texts: mime_texts(raw) };
        }
      }
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no ${what} email for ${to} in ${dir}`);
}

// ---- Checks, counted; failures do not stop the story unless a step depends on them.

export const results = { passed: 0, failed: 0, failures: [] };

export async function step(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    results.passed += 1;
    console.log(`  ok   ${name} (${Date.now() - t0} ms)`);
    return true;
  } catch (e) {
    results.failed += 1;
    results.failures.push(name);
    console.log(`  FAIL ${name}\n       ${String(e?.message ?? e).split('\n').slice(0, 6).join('\n       ')}`);
    return false;
  }
}

/** axe-core on the page as it is now: no serious or critical violation allowed. */
export async function a11y(page, screen) {
  // A sheet or toast still fading in has lower contrast than it will have: axe looks at what
  // stays, once the running animations and transitions are done.
  // (An endless one, such as the connection dot's pulse, is not waited for.)
  await page.evaluate(() => Promise.all(document.getAnimations()
    .filter((a) => Number.isFinite(a.effect?.getComputedTiming().endTime))
    .map((a) => a.finished.catch(() => {}))));
  // A frame sandboxed without scripts (the newsletter's email preview) cannot take axe's script:
  // axe would wait on it for ever, so it is left out (its HTML is the server's email).
  const r = await new AxeBuilder({ page }).exclude('iframe[sandbox]:not([sandbox*="allow-scripts"])').analyze();
  const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length) {
    const lines = bad.map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
    const first = bad[0].nodes[0];
    throw new Error(`axe on ${screen}:\n${lines.join('\n')}\n(first: ${first.html.slice(0, 160)} — ${(first.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 300)})`);
  }
}

/** Answers the app's confirmation sheet (ask_confirm) with its confirm button. */
export async function confirm_sheet(page, label) {
  const sheet = page.getByTestId('confirm').getByRole('dialog');
  await sheet.waitFor();
  await sheet.getByRole('button', { name: label, exact: true }).click();
  await sheet.waitFor({ state: 'detached' });
}

export async function shot(page, name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

/** A screenshot at phone and desktop sizes, then back to the page's own size. */
export async function shots(page, name) {
  const own = page.viewportSize();
  for (const [label, size] of [['phone', PHONE], ['desktop', DESKTOP]]) {
    await page.setViewportSize(size);
    await page.waitForTimeout(150);
    await shot(page, `${name}-${label}`);
  }
  await page.setViewportSize(own);
}

/** Puts saved screenshots side by side on a warm background (the README's picture). */
export async function compose(browser, names, out) {
  const imgs = names.map((n) => `data:image/png;base64,${fs.readFileSync(path.join(SHOTS, `${n}.png`)).toString('base64')}`);
  const page = await browser.newPage({ viewport: { width: 1760, height: 900 } });
  await page.setContent(`<body style="margin:0;background:#efe4d4;display:flex;gap:40px;align-items:center;justify-content:center;height:900px">
    ${imgs.map((src) => `<img src="${src}" style="border-radius:14px;box-shadow:0 8px 30px rgb(60 40 20 / 25%)">`).join('')}</body>`);
  await page.waitForFunction(() => [...document.images].every((i) => i.complete));
  await page.screenshot({ path: out });
  await page.close();
}

/** A request of the real API from a context's cookie session (Origin and X-Requested-With, as the app sends). */
export async function api_call(ctx, base, method, path, data) {
  const r = await ctx.request.fetch(base + '/api/v1' + path, { method, headers: { Origin: base, 'X-Requested-With': 'petitesalle' }, ...(data === undefined ? {} : { data }) });
  if (r.status() >= 400) throw new Error(`${method} ${path}: ${r.status()} ${await r.text()}`);
  return r.status() === 204 ? null : r.json();
}

/**
 * The cast of a story: a host on a laptop, a guest on a phone (touch; the dark theme in English,
 * so that axe checks its contrast too) and a third person on a laptop, each signed up through the
 * API in `t`'s language, the guest and the third invited into the host's new community `t.community`.
 * `check(name, fn)` is a step that takes everyone's screenshot when it fails; `close()` ends it all.
 */
export async function three_people(browser, server, lang, t, tag) {
  const base = server.url;
  const stamp = `${tag}-${lang}-${Date.now().toString(36)}`;
  const opts = (viewport, phone) => ({ viewport, locale: t.locale, extraHTTPHeaders: { 'Accept-Language': t.accept_language }, serviceWorkers: 'block', ...(phone ? { isMobile: true, hasTouch: true } : {}) });
  const contexts = {
    host: await browser.newContext(opts(DESKTOP, false)),
    guest: await browser.newContext({ ...opts(PHONE, true), colorScheme: lang === 'en' ? 'dark' : 'light' }),
    third: await browser.newContext(opts(DESKTOP, false)),
  };
  const pages = {};
  for (const [who, ctx] of Object.entries(contexts)) {
    const p = await ctx.newPage();
    p.setDefaultTimeout(15000);
    p.on('pageerror', (e) => console.log(`       [${tag} ${lang} ${who} page error] ${e.message}`));
    pages[who] = p;
  }
  const close = async () => {
    for (const ctx of Object.values(contexts)) await ctx.close();
  };
  const check = async (s, fn) => {
    const ok = await step(`${tag} ${lang}: ${s}`, fn);
    if (!ok) for (const [who, p] of Object.entries(pages)) await shot(p, `${tag}-${lang}-zz-fail-${who}`).catch(() => {});
    return ok;
  };
  const call = (who, method, path, data) => api_call(contexts[who], base, method, path, data);
  try {
    const sign_up = (who, display_name) => call(who, 'POST', '/accounts', { email: `${who}-${stamp}@example.com`, password: 'correct horse battery', display_name, locale: lang });
    await sign_up('host', t.host);
    const { community } = await call('host', 'POST', '/communities', { name: t.community });
    for (const who of ['guest', 'third']) {
      await sign_up(who, t[who]);
      const { invitation } = await call('host', 'POST', `/communities/${community.slug}/invitations`, { max_uses: 1 });
      await call(who, 'POST', `/invitations/${invitation.code}/accept`);
    }
    return { base, slug: community.slug, ...pages, check, call, close };
  } catch (e) {
    await close();
    throw e;
  }
}
