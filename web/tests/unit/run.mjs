#!/usr/bin/env node
// `npm test`: bundles the app's plain modules for Node (rolldown, from Vite) and runs the unit
// tests with node:test. No browser, no server.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';

const here = path.dirname(new URL(import.meta.url).pathname);
const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ps-web-unit-')), 'app.mjs');
execFileSync(path.join(here, '../../node_modules/.bin/rolldown'), [path.join(here, 'entry.ts'), '--platform', 'node', '--module-types', '.css=empty', '--format', 'esm', '--file', out], { stdio: ['ignore', 'ignore', 'inherit'] });
process.env.PS_WEB_UNIT_BUNDLE = out;
const files = fs.readdirSync(here).filter((f) => f.endsWith('.test.mjs')).map((f) => path.join(here, f));
// The exit code is set as soon as a test fails: piping into process.stdout never "finishes"
// (stdout is not ended), so waiting for that let a failing run exit 0, and CI pass.
run({ files, concurrency: 1 })
  .on('test:fail', () => {
    process.exitCode = 1;
  })
  .compose(spec)
  .pipe(process.stdout);
