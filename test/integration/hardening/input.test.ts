import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { rsaPems, admin } from '../../support/tenancy';
import { givenWechatProvider, givenWechatTenant, orderBody, type Provider, type Tenant } from '../../support/payments';
import { TOKENS } from '../../../src/platform/tokens';
import type { Orm } from '../../../src/platform/db/orm';

let t: TestApp;
let provider: Provider;
let tenant: Tenant;

before(async () => {
  t = await startTestApp();
  provider = await givenWechatProvider(t, rsaPems());
  tenant = await givenWechatTenant(t, provider);
});
after(() => t.close());

// Scoped to this file's own rows: on MariaDB test files share one database and run in parallel.
const count = async (table: string, where: string, param: string) => {
  const rows = await t.app.container
    .resolve<Orm>(TOKENS.Orm)
    .em.getConnection()
    .execute(`select count(*) as n from ${table} where ${where}`, [param]);
  return Number((rows as Array<{ n: number }>)[0].n);
};

test('When a path has a malformed percent-escape, then 400 PARAM_ERROR on /v1, /admin and /notify (no credentials needed)', async () => {
  for (const path of ['/v1/orders/%FF', '/admin/v1/tenants/%FF', '/notify/%FF/transactions', '/v1/orders/%E0%A4%A']) {
    const res = await request(t.http).get(path);
    assert.equal(res.status, 400, `${path}: ${res.status}`);
    assert.equal(res.body.code, 'PARAM_ERROR');
  }
  const post = await request(t.http).post('/notify/%FF/transactions').send('{}');
  assert.equal(post.status, 400);
});

test('When a JSON body says Content-Encoding gzip but is not gzip, then 400; an unknown encoding is 415; real gzip works', async () => {
  const bogus = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .set('Content-Type', 'application/json')
    .set('Content-Encoding', 'gzip')
    .send('{"not":"gzip"}');
  assert.equal(bogus.status, 400, JSON.stringify(bogus.body));
  assert.equal(bogus.body.code, 'PARAM_ERROR');
  const unknown = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .set('Content-Type', 'application/json')
    .set('Content-Encoding', 'compress')
    .send('{}');
  assert.equal(unknown.status, 415);
  assert.equal(unknown.body.code, 'UNSUPPORTED_MEDIA_TYPE');
  const real = await fetch(`${t.baseUrl}/v1/orders`, {
    method: 'POST',
    headers: { [tenant.auth[0]]: tenant.auth[1], 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
    body: gzipSync(Buffer.from(JSON.stringify(orderBody(tenant)))),
  });
  assert.equal(real.status, 201, await real.text());
});

test('When a field, a query or a cursor carries NUL or another control character, then 400 naming it and nothing is written', async () => {
  const orders = await count('payment_order', 'tenant_id = ?', tenant.id);
  const tenants = await count('tenant', 'sp_mchid = ?', provider.spMchid);
  const operators = await count('operator', 'name like ?', 'Li%Lei');
  for (const ch of ['\u0000', '\u0007', '\u001f', '\n']) {
    const o = await request(t.http)
      .post('/v1/orders')
      .set(...tenant.auth)
      .send(orderBody(tenant, { description: `toy${ch}car` }));
    assert.equal(o.status, 400, JSON.stringify(o.body));
    assert.equal(o.body.code, 'PARAM_ERROR');
    assert.equal(o.body.detail.fields[0].field, 'description');
  }
  const refund = await request(t.http)
    .post('/v1/refunds')
    .set(...tenant.auth)
    .send({ out_trade_no: 'NOSUCH000001', out_refund_no: 'R0000001', reason: 'x\u0000', amount: { refund: 1 } });
  assert.equal(refund.status, 400);
  assert.equal(refund.body.detail.fields[0].field, 'reason');
  const tenantPost = await request(t.http)
    .post('/admin/v1/tenants')
    .set(...admin(t))
    .send({ sp_mchid: provider.spMchid, sub_mchid: '1900009999', name: 'Bad\u0000Name', apps: [] });
  assert.equal(tenantPost.status, 400);
  const op = await request(t.http)
    .post('/admin/v1/operators')
    .set(...admin(t))
    .send({ name: 'Li\u0000Lei', role: 'viewer' });
  assert.equal(op.status, 400);
  const query = await request(t.http)
    .get('/admin/v1/notifications?tenant_id=a%00b')
    .set(...admin(t));
  assert.equal(query.status, 400);
  const cursor = Buffer.from('5:ten_\u0000x', 'utf8').toString('base64url');
  const cur = await request(t.http)
    .get(`/admin/v1/tenants?cursor=${cursor}`)
    .set(...admin(t));
  assert.equal(cur.status, 400, JSON.stringify(cur.body));
  assert.equal(cur.body.detail.fields[0].field, 'cursor');
  const path = await request(t.http)
    .get('/v1/orders/ABC%00DEF')
    .set(...tenant.auth);
  assert.equal(path.status, 400);
  assert.equal(await count('payment_order', 'tenant_id = ?', tenant.id), orders);
  assert.equal(await count('tenant', 'sp_mchid = ?', provider.spMchid), tenants);
  assert.equal(await count('operator', 'name like ?', 'Li%Lei'), operators);
});

test('When a string carries a lone surrogate, then 400 instead of storing U+FFFD', async () => {
  const res = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .set('Content-Type', 'application/json')
    .send(JSON.stringify(orderBody(tenant)).replace('"description":"', '"description":"\\ud800'));
  assert.equal(res.status, 400, JSON.stringify(res.body));
  assert.equal(res.body.detail.fields[0].field, 'description');
});

test('When a JSON body nests deeper than 32 levels, then 400 PARAM_ERROR naming (body), on every route, not 500', async () => {
  const deep = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
  for (const [path, body] of [
    ['/admin/v1/applyments', `{"sp_mchid":"1900000100","application":${deep(10_000)}}`],
    ['/admin/v1/applyments', `{"sp_mchid":"1900000100","application":${'['.repeat(5000)}${']'.repeat(5000)}}`],
    ['/admin/v1/tenants', deep(40)],
  ] as const) {
    const res = await request(t.http)
      .post(path)
      .set(...admin(t))
      .set('Content-Type', 'application/json')
      .send(body);
    assert.equal(res.status, 400, `${path}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
    assert.equal(res.body.code, 'PARAM_ERROR');
    assert.equal(res.body.detail.fields[0].field, '(body)');
    assert.match(res.body.detail.fields[0].issue, /more than 32 levels deep/);
  }
});
