// Measures the first load: the JS and CSS that dist/index.html pulls in (entry, preloads,
// stylesheets, and their static imports), gzip level 9, the way the server sends them compressed.
import { readFileSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

const dist = new URL('../dist/', import.meta.url).pathname;
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const files = new Set();
for (const m of html.matchAll(/(?:src|href)="\/?(assets\/[^"]+\.(?:js|css))"/g)) files.add(m[1]);
// Follow static imports between chunks (dynamic import() chunks are not part of the first load).
for (const f of [...files]) {
  if (!f.endsWith('.js')) continue;
  const src = readFileSync(join(dist, f), 'utf8');
  for (const m of src.matchAll(/(?:^|[;\n])import\s*(?:[^'"()]*?from\s*)?["']\.\/([^"']+\.js)["']/g)) files.add('assets/' + m[1]);
}
let raw = 0;
let gz = 0;
for (const f of files) {
  const p = join(dist, f);
  if (!existsSync(p)) continue;
  const buf = readFileSync(p);
  const z = gzipSync(buf, { level: 9 }).length;
  raw += buf.length;
  gz += z;
  console.log(`${f.padEnd(40)} ${(buf.length / 1024).toFixed(1).padStart(7)} KB  gzip ${(z / 1024).toFixed(1).padStart(6)} KB`);
}
const limit = 150 * 1024;
console.log(`first load (JS+CSS): ${(raw / 1024).toFixed(1)} KB raw, ${(gz / 1024).toFixed(1)} KB gzip (budget 150 KB)`);
if (gz > limit) {
  console.error('over the 150 KB first-load budget');
  process.exit(1);
}
