import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { rsaPems } from '../../support/tenancy';
import { givenWechatProvider, givenWechatTenant, orderBody, type Provider } from '../../support/payments';
import { postNotification, wireNotification } from '../../support/notifications';
import { createLogger } from '../../../src/platform/logging/logger';

type Line = Record<string, unknown>;
const lines: Line[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Line);
    done();
  },
});

let t: TestApp;
let provider: Provider;

before(async () => {
  // debug: the WeChat Pay client's per-call line is a debug line.
  t = await startTestApp({}, { logger: createLogger('debug', sink) });
  provider = await givenWechatProvider(t, rsaPems());
});
after(() => t.close());

const ofRequest = (id: string) => lines.filter((l) => l.request_id === id);

test('When a tenant creates an order, then every log line of the request carries request_id, tenant_id, sp_mchid and the WeChat Pay Request-ID', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const res = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .set('Request-Id', 'req_logs_test_0001')
    .send(orderBody(tenant));
  assert.equal(res.status, 201);
  const mine = ofRequest('req_logs_test_0001');
  const call = mine.find((l) => l.msg === 'wxpay call');
  const done = mine.find((l) => l.msg === 'request');
  assert.ok(call && done, JSON.stringify(mine));
  for (const l of [call, done]) {
    assert.equal(l.tenant_id, tenant.id);
    assert.equal(l.sp_mchid, provider.spMchid);
  }
  // The simulator answers with a Request-ID as WeChat Pay does; lines after the call carry it.
  assert.match(String(done.wxpay_request_id), /^[0-9A-F]{24}-0$/);
  assert.equal(done.route, '/v1/orders');
  // Nothing from this request was logged without its ids.
  assert.ok(mine.every((l) => l.tenant_id === tenant.id));
});

test('When WeChat Pay notifies, then the gate lines and the request line carry the tenant and provider', async () => {
  const tenant = await givenWechatTenant(t, provider);
  const n = wireNotification(t, provider, 'TRANSACTION.SUCCESS', { out_trade_no: 'NOSUCHORDER01' }, { tamper: { badSignature: true } });
  const res = await postNotification(t, tenant.id, 'transactions', n).set('Request-Id', 'req_logs_test_0002');
  assert.equal(res.status, 401);
  const mine = ofRequest('req_logs_test_0002');
  const refused = mine.find((l) => l.msg === 'notification refused');
  assert.ok(refused, JSON.stringify(mine));
  assert.ok(mine.find((l) => l.msg === 'request'));
  for (const l of mine) {
    assert.equal(l.tenant_id, tenant.id);
    assert.equal(l.sp_mchid, provider.spMchid);
  }
});
