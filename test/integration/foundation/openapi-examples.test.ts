import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { startTestApp, type TestApp } from '../../support/app';
import { admin } from '../../support/tenancy';

type Json = Record<string, unknown>;

let t: TestApp;
let doc: Json;
before(async () => {
  t = await startTestApp();
  doc = (await request(t.http).get('/openapi.json').expect(200)).body as Json;
});
after(async () => t.close());

/** Every JSON request body and JSON success answer of every operation and webhook, with its JSON pointer. */
function media(): Array<{ where: string; pointer: string; media: Json }> {
  const out: Array<{ where: string; pointer: string; media: Json }> = [];
  for (const section of ['paths', 'webhooks'] as const)
    for (const [path, item] of Object.entries(doc[section] as Record<string, Record<string, Json>>))
      for (const [method, op] of Object.entries(item)) {
        const base = `/${section}/${path.replace(/~/g, '~0').replace(/\//g, '~1')}/${method}`;
        const body = (op.requestBody as Json | undefined)?.content as Record<string, Json> | undefined;
        if (body?.['application/json'])
          out.push({
            where: `${method} ${path} request body`,
            pointer: `${base}/requestBody/content/application~1json`,
            media: body['application/json'],
          });
        for (const [status, answer] of Object.entries(op.responses as Record<string, Json>)) {
          const json = (answer.content as Record<string, Json> | undefined)?.['application/json'];
          if (/^2/.test(status) && json)
            out.push({
              where: `${method} ${path} ${status}`,
              pointer: `${base}/responses/${status}/content/application~1json`,
              media: json,
            });
        }
      }
  return out;
}

test('When /openapi.json is read, then every JSON request body and success answer has an example valid against its schema (formats and patterns included)', () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(doc, 'openapi');
  const all = media();
  assert.ok(all.length >= 150, `found ${all.length} JSON bodies and answers`);
  const missing = all.filter((m) => !('example' in m.media)).map((m) => m.where);
  assert.deepEqual(missing, [], 'operations without an example');
  const invalid: string[] = [];
  for (const m of all) {
    const validate = ajv.compile({ $ref: `openapi#${m.pointer}/schema` });
    if (!validate(m.media.example)) invalid.push(`${m.where}: ${ajv.errorsText(validate.errors)}`);
  }
  assert.deepEqual(invalid, [], 'examples that do not match their schema');
});

/** Every string in `value` that only restates its own property name (`"status": "status"`, `"trade_state": "trade state"`). */
function placeholders(value: unknown, key: string, where: string, out: string[]): void {
  if (Array.isArray(value)) for (const v of value) placeholders(v, key.replace(/s$/, ''), where, out);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) placeholders(v, k, where, out);
  else if (typeof value === 'string' && key && (value === key || value === key.replace(/_/g, ' ')))
    out.push(`${where}: ${key} = ${JSON.stringify(value)}`);
}

test('When /openapi.json is read, then no example string merely restates its property name (a status shows a real state, an id its prefix)', () => {
  const found: string[] = [];
  for (const m of media()) placeholders(m.media.example, '', m.where, found);
  for (const [name, schema] of Object.entries((doc.components as Json).schemas as Record<string, Json>))
    if ('example' in schema) placeholders(schema.example, '', `#/components/schemas/${name}`, found);
  assert.deepEqual(found, []);
});

test('When /openapi.json is read, then every error component has an example ({code, message, detail where typed, request_id}) valid against it', () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(doc, 'openapi');
  const schemas = (doc.components as Json).schemas as Record<string, Json>;
  const errors = Object.keys(schemas).filter((n) => /Error$/.test(n));
  assert.ok(errors.length >= 30, `found ${errors.length} error components`);
  const problems: string[] = [];
  for (const name of errors) {
    const example = schemas[name]!.example as Json | undefined;
    if (!example) {
      problems.push(`${name}: no example`);
      continue;
    }
    const validate = ajv.compile({ $ref: `openapi#/components/schemas/${name}` });
    if (!validate(example)) problems.push(`${name}: ${ajv.errorsText(validate.errors)}`);
    const code = (schemas[name]!.properties as Json).code as Json;
    if (code.const !== undefined && example.code !== code.const) problems.push(`${name}: code ${String(example.code)}`);
    if (typeof example.message !== 'string' || example.message.length < 10) problems.push(`${name}: message too short`);
    if ((schemas[name]!.properties as Record<string, Json>).detail!.properties && !example.detail)
      problems.push(`${name}: typed detail missing`);
  }
  assert.deepEqual(problems, []);
});

test('When the document is read, then every operation declares 400 PARAM_ERROR (the input guard refuses a bad path or query anywhere)', () => {
  const without: string[] = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Json>>))
    for (const [method, op] of Object.entries(item)) {
      const answer = (op.responses as Record<string, Json>)['400'];
      // WeChat Pay's notification receivers answer their own 400 shape, PARAM_ERROR inline among it.
      const text = JSON.stringify(answer ?? null);
      if (!text.includes('#/components/schemas/ParamError') && !text.includes('"const":"PARAM_ERROR"')) without.push(`${method} ${path}`);
    }
  assert.deepEqual(without, []);
});

test('When GET /healthz carries a control character in its query, then 400 PARAM_ERROR, as the document declares', async () => {
  const res = await request(t.http).get('/healthz').query({ probe: 'a\u0001b' });
  assert.equal(res.status, 400);
  assert.equal(res.body.code, 'PARAM_ERROR');
});

test('When a bodiless write (POST /admin/v1/events/{id}/redeliver) is sent a form body, then 415 UNSUPPORTED_MEDIA_TYPE, as the document declares', async () => {
  const res = await request(t.http)
    .post('/admin/v1/events/evt_none/redeliver')
    .set(...admin(t))
    .type('form')
    .send('a=b');
  assert.equal(res.status, 415);
  assert.equal(res.body.code, 'UNSUPPORTED_MEDIA_TYPE');
  const declared = (doc.paths as Record<string, Record<string, Json>>)['/admin/v1/events/{id}/redeliver']!.post!.responses as Json;
  assert.ok('415' in declared, 'redeliverEvent declares 415');
});
