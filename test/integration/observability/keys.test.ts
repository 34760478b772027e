import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { admin, rsaPems } from '../../support/tenancy';
import { givenWechatProvider, givenWechatTenant, orderBody, simulatorOf, type Provider, type Tenant } from '../../support/payments';
import { notificationLog, postNotification, wireNotification } from '../../support/notifications';
import { sample, scrape } from '../../support/metrics';

let t: TestApp;
let keys: { privateKey: string; publicKey: string };

before(async () => {
  keys = rsaPems();
  t = await startTestApp();
});
after(() => t.close());

async function paidOrder(tenant: Tenant): Promise<string> {
  const body = orderBody(tenant);
  const res = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  await simulatorOf(t).pay({ prepay_id: res.body.order.prepay_id });
  return body.out_trade_no as string;
}

const report = async (p: Provider) => {
  const res = await request(t.http)
    .get(`/admin/v1/service-providers/${p.spMchid}/keys`)
    .set(...admin(t));
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
};

test('When a public-key provider is paid, then the key report, the notification log and the metrics name public_key', async () => {
  const p = await givenWechatProvider(t, keys, 'public_key');
  const tenant = await givenWechatTenant(t, p);
  await paidOrder(tenant);

  const r = await report(p);
  assert.equal(r.mode, 'public_key');
  assert.equal(r.public_key.public_key_id, simulatorOf(t).platform().public_key_id);
  assert.ok(r.public_key.last_used_at, 'last used to verify');
  assert.deepEqual(r.certificates, []);
  assert.equal(r.recent_notifications[0].verified_by, 'public_key');
  assert.equal(r.recent_notifications[0].tenant_id, tenant.id);
  assert.ok(r.recent_checks.some((c: { verified_by: string }) => c.verified_by === 'public_key'));
  assert.deepEqual(r.warnings, []);
  assert.deepEqual(r.failures.by_reason, {});
  const [logged] = await notificationLog(t, tenant.id);
  assert.equal((logged as unknown as { verified_by: string }).verified_by, 'public_key');
  assert.ok(sample(await scrape(t), 'partnerpay_wxpay_verifications_total', { sp_mchid: p.spMchid, key: 'public_key', result: 'ok' }) >= 2);
});

test('When a certificate-mode provider is paid, then the certificate serial verified it; a PUB_KEY_ID-signed message raises warnings', async () => {
  const p = await givenWechatProvider(t, keys, 'certificate');
  const tenant = await givenWechatTenant(t, p);
  const outTradeNo = await paidOrder(tenant);
  const serial = simulatorOf(t).identity.certificateSerial;

  const r = await report(p);
  assert.equal(r.mode, 'certificate');
  assert.equal(r.public_key, null);
  assert.equal(r.certificates.length, 1);
  assert.equal(r.certificates[0].serial_no, serial);
  assert.equal(r.certificates[0].state, 'valid');
  assert.ok(r.certificates[0].expires_in_days > 30);
  assert.ok(r.certificates[0].last_used_at, 'last used to verify');
  assert.equal(r.recent_notifications[0].verified_by, serial);
  assert.deepEqual(r.warnings, []);
  assert.ok(sample(await scrape(t), 'partnerpay_wxpay_verifications_total', { sp_mchid: p.spMchid, key: serial, result: 'ok' }) >= 2);

  // WeChat Pay has moved this merchant to a public key, but the provider still verifies with certificates.
  const n = wireNotification(t, p, 'TRANSACTION.SUCCESS', { out_trade_no: outTradeNo });
  assert.match(n.headers['Wechatpay-Serial'], /^PUB_KEY_ID_/);
  assert.equal((await postNotification(t, tenant.id, 'transactions', n)).status, 401);
  const after = await report(p);
  assert.equal(after.failures.by_reason.unknown_serial, 1);
  assert.ok(after.failures.last_hour >= 1);
  assert.deepEqual(after.warnings.map((w: { code: string }) => w.code).sort(), [
    'certificate_mode_public_key_signed',
    'recent_verification_failures',
  ]);
  assert.equal(after.recent_notifications[0].verified_by, null);
  assert.equal(after.recent_notifications[0].verification, 'unknown_serial');
});

test('When the provider is unknown or the caller is not an operator, then 404 and 401', async () => {
  assert.equal(
    (
      await request(t.http)
        .get('/admin/v1/service-providers/1999999999/keys')
        .set(...admin(t))
    ).status,
    404,
  );
  assert.equal((await request(t.http).get('/admin/v1/service-providers/1999999999/keys')).status, 401);
});
