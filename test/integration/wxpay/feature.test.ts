import 'reflect-metadata';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, uniqueMchid, type TestApp } from '../../support/app';
import { TOKENS } from '../../../src/platform/tokens';
import { queryOrderByTransactionId, type PlatformKeys, type WxpayClient } from '@partnerpay/wxpay';
import { rsaPair, startFakeWxpay, testCredentials, type FakeWxpay } from '../../support/wxpay-fake';

const wechat = rsaPair();
const publicKeyId = 'PUB_KEY_ID_0000000000000024101100397200000006';
let fake: FakeWxpay;
let t: TestApp;

before(async () => {
  fake = await startFakeWxpay({ serial: publicKeyId, privateKey: wechat.privateKey }, () => ({
    status: 200,
    body: { trade_state: 'SUCCESS', transaction_id: '4200000001' },
  }));
  t = await startTestApp({ wxpay: { baseUrl: fake.url } });
});
after(async () => {
  await t.close();
  await fake.close();
});

test('When the app starts, then TOKENS.Wxpay and TOKENS.PlatformKeys are bound once per container and talk to config.wxpay.baseUrl', async () => {
  const c = t.app.container;
  const client = c.resolve<WxpayClient>(TOKENS.Wxpay);
  assert.equal(client, c.resolve<WxpayClient>(TOKENS.Wxpay));
  const keys = c.resolve<PlatformKeys>(TOKENS.PlatformKeys);
  assert.equal(typeof keys.encryptionKey, 'function');
  assert.equal(typeof client.download, 'function');
  const sp = testCredentials(uniqueMchid(), rsaPair(), { mode: 'public_key', publicKeyId, publicKey: wechat.publicKey });
  const tx = await queryOrderByTransactionId(client, sp, '1900000109', '4200000001');
  assert.equal(tx.trade_state, 'SUCCESS');
  assert.equal(fake.hits[0].url, `/v3/pay/partner/transactions/id/4200000001?sp_mchid=${sp.spMchid}&sub_mchid=1900000109`);
});
