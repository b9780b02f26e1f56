// A response checked against docs/openapi.json: the schema of its path, method and status, its
// required fields and types (the same check as replay.test.mjs's). A route the file does not
// describe yet is checked against the contract the caller gives instead, and said so.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

export const openapi = JSON.parse(fs.readFileSync(path.join(path.dirname(new URL(import.meta.url).pathname), '../../../docs/openapi.json'), 'utf8'));
const schemas = openapi.components.schemas;

export function conforms(schema, value, where) {
  if (schema.$ref) return conforms(schemas[schema.$ref.split('/').at(-1)], value, where);
  if (value === null) return assert.ok(schema.nullable || schema.type === 'null' || (Array.isArray(schema.type) && schema.type.includes('null')) || schema.oneOf || schema.anyOf, `${where} is null`);
  if (schema.enum) assert.ok(schema.enum.includes(value), `${where}: ${JSON.stringify(value)} not in ${schema.enum}`);
  const type = Array.isArray(schema.type) ? schema.type.find((x) => x !== 'null') : schema.type;
  switch (type) {
    case 'object':
      assert.equal(typeof value, 'object', `${where} is not an object`);
      for (const k of schema.required ?? []) assert.ok(k in value, `${where} lacks ${k}`);
      for (const [k, v] of Object.entries(value)) if (schema.properties?.[k]) conforms(schema.properties[k], v, `${where}.${k}`);
      return;
    case 'array':
      assert.ok(Array.isArray(value), `${where} is not an array`);
      value.forEach((v, i) => conforms(schema.items, v, `${where}[${i}]`));
      return;
    case 'integer':
      return assert.ok(Number.isInteger(value), `${where} is not an integer`);
    case 'string':
      return assert.equal(typeof value, 'string', `${where} is not a string`);
    case 'boolean':
      return assert.equal(typeof value, 'boolean', `${where} is not a boolean`);
  }
}

/** The schema docs/openapi.json gives the answer, or undefined when it does not describe the route. */
export function documented(method, api_path, status) {
  for (const [template, ops] of Object.entries(openapi.paths)) {
    const re = new RegExp('^' + template.replace(/^\/api\/v1/, '').replace(/\{[^}]+\}/g, '[^/]+') + '$');
    if (!re.test(api_path)) continue;
    const r = ops[method.toLowerCase()]?.responses?.[String(status)];
    if (!r) return undefined;
    const ref = r.$ref ? openapi.components.responses[r.$ref.split('/').at(-1)] : r;
    return ref?.content?.['application/json']?.schema ?? null;
  }
  return undefined;
}

/** Routes checked against the contract because docs/openapi.json lacks them (printed once each). */
export const undocumented = new Set();

/** Checks an answer: by docs/openapi.json when it has the route, else by `contract`. */
export function check_answer(method, url, status, body, contract) {
  const p = new URL(url, 'http://x').pathname.replace(/^\/api\/v1/, '');
  const schema = documented(method, p, status);
  if (schema) return conforms(schema, body, `${method} ${p} ${status}`);
  if (schema === null) return; // documented without a JSON body (204)
  if (status === 204 && body === null && contract === null) return void undocumented.add(`${method} ${p.replace(/\d+/g, '{id}')}`);
  assert.ok(contract, `${method} ${p} ${status}: neither docs/openapi.json nor the test describes it`);
  undocumented.add(`${method} ${p.replace(/\d+/g, '{id}')}`);
  conforms(contract, body, `${method} ${p} ${status} (contract)`);
}
