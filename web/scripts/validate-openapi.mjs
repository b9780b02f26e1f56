#!/usr/bin/env node
// Validates OpenAPI documents: node scripts/validate-openapi.mjs SOURCE... where each SOURCE is
// a file (../docs/openapi.json) or an http(s) URL (the copy a running server serves at
// /api/v1/openapi.json). Exits 1 when any is invalid; the integration tests run it (from
// tests/integration/test_openapi.py), so an invalid document fails scripts/test.sh.
//
// @apidevtools/swagger-parser checks the document against the OpenAPI 3.0 / 3.1 JSON Schema and
// resolves every $ref. For OpenAPI 3 it skips the rules that no JSON Schema can express, so the
// two that matter most are checked here too: operationIds are unique, and each `{name}` of a
// path template is a declared, required path parameter (and no path parameter is undeclared).
import fs from 'node:fs';
import SwaggerParser from '@apidevtools/swagger-parser';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

async function load(source) {
  if (/^https?:\/\//.test(source)) {
    const r = await fetch(source);
    if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
    return JSON.parse(await r.text());
  }
  return JSON.parse(fs.readFileSync(source, 'utf8'));
}

// A parameter may be a $ref to components/parameters: look it up (validate() has already
// checked that every $ref resolves).
function resolve(doc, node) {
  if (!node || typeof node.$ref !== 'string') return node;
  return node.$ref.slice(2).split('/').reduce((n, part) => n?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
}

function spec_errors(doc) {
  const errors = [];
  const operation_ids = new Map();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    const placeholders = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    const shared = (item.parameters ?? []).map((p) => resolve(doc, p));
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const where = `${method.toUpperCase()} ${path}`;
      if (op.operationId !== undefined) {
        if (operation_ids.has(op.operationId)) errors.push(`${where}: operationId "${op.operationId}" is also ${operation_ids.get(op.operationId)}'s`);
        else operation_ids.set(op.operationId, where);
      }
      // Operation-level parameters override path-level ones of the same name and location.
      const params = new Map();
      for (const p of [...shared, ...(op.parameters ?? []).map((p) => resolve(doc, p))]) params.set(`${p.in}:${p.name}`, p);
      for (const name of placeholders) {
        const p = params.get(`path:${name}`);
        if (!p) errors.push(`${where}: path parameter {${name}} is not declared`);
        else if (p.required !== true) errors.push(`${where}: path parameter {${name}} must be required: true`);
      }
      for (const p of params.values()) {
        if (p.in === 'path' && !placeholders.includes(p.name)) errors.push(`${where}: declares path parameter "${p.name}" that the path does not have`);
      }
    }
  }
  return errors;
}

let failed = false;
for (const source of process.argv.slice(2)) {
  try {
    const doc = await load(source);
    // validate() dereferences in place: give it a copy, keep the original for the spec checks.
    await SwaggerParser.validate(structuredClone(doc));
    const errors = spec_errors(doc);
    if (errors.length) throw new Error(errors.join('\n  '));
    const operations = Object.values(doc.paths ?? {}).reduce((n, item) => n + METHODS.filter((m) => item[m]).length, 0);
    console.log(`valid OpenAPI ${doc.openapi}: ${source} (${operations} operations)`);
  } catch (e) {
    failed = true;
    console.log(`INVALID: ${source}\n  ${e.message}`);
  }
}
if (process.argv.length < 3) {
  console.log('usage: node scripts/validate-openapi.mjs FILE_OR_URL...');
  failed = true;
}
process.exit(failed ? 1 : 0);
