import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startTestApp, uniqueMchid, type TestApp } from '../../support/app';
import { admin, providerBody, rsaPems } from '../../support/tenancy';

let t: TestApp;
let keys: ReturnType<typeof rsaPems>;
let viewerToken: string;
before(async () => {
  keys = rsaPems();
  t = await startTestApp({ security: { authFailuresPerMinute: 1000 } });
  viewerToken = (
    await request(t.http)
      .post('/admin/v1/operators')
      .set(...admin(t))
      .send({ name: 'auditor', role: 'viewer' })
  ).body.token;
});
after(async () => t.close());

test('When an admin PUTs a new service provider, then 201 with its public facts and no secret; a second PUT replaces it with 200', async () => {
  const sp = uniqueMchid();
  const body = providerBody(keys);
  const created = await request(t.http)
    .put(`/admin/v1/service-providers/${sp}`)
    .set(...admin(t))
    .send(body);
  assert.equal(created.status, 201);
  assert.equal(created.body.sp_mchid, sp);
  assert.equal(created.body.sp_appid, body.sp_appid);
  assert.deepEqual(created.body.verification, { mode: 'public_key', wechatpay_public_key_id: body.wechatpay_public_key_id });
  const text = JSON.stringify(created.body);
  assert.ok(!text.includes(body.apiv3_key) && !text.includes('PRIVATE KEY') && !text.includes('PUBLIC KEY'));

  const replaced = await request(t.http)
    .put(`/admin/v1/service-providers/${sp}`)
    .set(...admin(t))
    .send({ ...body, name: 'Acme ISV 2', wechatpay_public_key_id: undefined, wechatpay_public_key: undefined });
  assert.equal(replaced.status, 200);
  assert.equal(replaced.body.name, 'Acme ISV 2');
  assert.deepEqual(replaced.body.verification, { mode: 'certificate' });
});

test('When providers are read, then GET one and GET the list (paged) answer them; an unknown one is 404', async () => {
  const a = uniqueMchid();
  const b = uniqueMchid();
  for (const sp of [a, b])
    assert.equal(
      (
        await request(t.http)
          .put(`/admin/v1/service-providers/${sp}`)
          .set(...admin(t))
          .send(providerBody(keys))
      ).status,
      201,
    );
  const one = await request(t.http).get(`/admin/v1/service-providers/${a}`).set('Authorization', `Bearer ${viewerToken}`);
  assert.equal(one.status, 200);
  assert.equal(one.body.sp_mchid, a);
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page: request.Response = await request(t.http)
      .get('/admin/v1/service-providers')
      .query({ limit: 1, ...(cursor ? { cursor } : {}) })
      .set(...admin(t));
    assert.equal(page.status, 200);
    assert.ok(page.body.data.length <= 1);
    seen.push(...page.body.data.map((p: { sp_mchid: string }) => p.sp_mchid));
    cursor = page.body.next_cursor;
  } while (cursor);
  assert.ok(seen.includes(a) && seen.includes(b));
  assert.equal(new Set(seen).size, seen.length);
  const missing = await request(t.http)
    .get('/admin/v1/service-providers/12345678')
    .set(...admin(t));
  assert.equal(missing.status, 404);
  assert.equal(missing.body.code, 'NOT_FOUND');
});

test('When the PUT body is bad, then 400 PARAM_ERROR names each field and never quotes a secret', async () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['12345', {}, 'sp_mchid'],
    [uniqueMchid(), { sp_appid: 'wxABCDEF0123456789' }, 'sp_appid'],
    [uniqueMchid(), { apiv3_key: 'too-short-key' }, 'apiv3_key'],
    [uniqueMchid(), { merchant_private_key: '-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----' }, 'merchant_private_key'],
    [uniqueMchid(), { merchant_private_key: rsaPems(1024).privateKey }, 'merchant_private_key'],
    [uniqueMchid(), { wechatpay_public_key: undefined }, 'wechatpay_public_key'],
    [uniqueMchid(), { merchant_serial_no: 'not hex!' }, 'merchant_serial_no'],
  ];
  for (const [sp, over, field] of cases) {
    const res = await request(t.http)
      .put(`/admin/v1/service-providers/${sp}`)
      .set(...admin(t))
      .send(providerBody(keys, over));
    assert.equal(res.status, 400, field);
    assert.equal(res.body.code, 'PARAM_ERROR');
    assert.ok(
      res.body.detail.fields.some((f: { field: string }) => f.field === field),
      `${field}: ${JSON.stringify(res.body.detail.fields)}`,
    );
    assert.ok(!JSON.stringify(res.body).includes('BEGIN'), 'no PEM echoed');
  }
  const rsa1024 = await request(t.http)
    .put(`/admin/v1/service-providers/${uniqueMchid()}`)
    .set(...admin(t))
    .send(providerBody(keys, { merchant_private_key: rsaPems(1024).privateKey }));
  assert.match(JSON.stringify(rsa1024.body.detail.fields), /at least 2048 bits/);
});

test('When a viewer PUTs, then 403 FORBIDDEN; with no token 401 UNAUTHENTICATED', async () => {
  const sp = uniqueMchid();
  const viewer = await request(t.http)
    .put(`/admin/v1/service-providers/${sp}`)
    .set('Authorization', `Bearer ${viewerToken}`)
    .send(providerBody(keys));
  assert.equal(viewer.status, 403);
  assert.equal(viewer.body.code, 'FORBIDDEN');
  const anonymous = await request(t.http).put(`/admin/v1/service-providers/${sp}`).send(providerBody(keys));
  assert.equal(anonymous.status, 401);
  assert.equal(anonymous.body.code, 'UNAUTHENTICATED');
  assert.equal((await request(t.http).get('/admin/v1/service-providers')).status, 401);
  assert.equal((await request(t.http).get(`/admin/v1/service-providers/${sp}`)).status, 401);
});
