import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { z } from 'zod';
import { ApiRouter } from '../../../src/platform/http/route';
import { startTestApp, type TestApp } from '../../support/app';
import { MODULES } from '../../../src/app/modules';

// A probe route whose answer drifts from its schema: what the contract test must catch.
const drifted: Record<string, unknown> = { id: 'x', secret: 'not in the schema' };
const probe = {
  name: 'contract-probe',
  routers: () => [
    new ApiRouter().route(
      {
        method: 'get',
        path: '/v1/contract-probe',
        summary: 'probe',
        tags: ['test'],
        auth: 'none',
        responses: { 200: { description: 'ok', schema: z.object({ id: z.string() }).meta({ id: 'ContractProbe' }) } },
      },
      () => ({ id: String(drifted.id), ...drifted }),
    ),
  ],
};

let t: TestApp;
before(async () => {
  t = await startTestApp({}, { modules: [...MODULES, probe] });
});
after(async () => {
  await t.close();
});

test('When a handler answers a field its schema does not declare, then the contract test names the operation and the field', async () => {
  const res = await request(t.http).get('/v1/contract-probe');
  assert.equal(res.status, 200);
  await new Promise((r) => setImmediate(r));
  const problems = t.contract.violations.map((v) => v.problem);
  assert.equal(problems.length, 1, problems.join('\n'));
  assert.match(problems[0]!, /GET \/v1\/contract-probe \(getContractProbe\) answered 200: body does not match its schema: .*'secret'/);
  // Cleared, so this file's own close stays green.
  t.contract.violations.length = 0;
});

test('When an answer keeps to its schema, then the contract test records the operation as exercised', async () => {
  await request(t.http).get('/readyz').expect(200);
  await new Promise((r) => setImmediate(r));
  assert.ok(t.contract.exercised.has('getReadyz'));
  assert.deepEqual(t.contract.violations, []);
});
