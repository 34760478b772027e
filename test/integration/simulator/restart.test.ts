import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { appid, mchid, merchantKeys, orderBody, outNo, Receiver, signedRequest, type TestProvider } from './harness';
import { control, startStandaloneSimulator, type StandaloneSimulator } from '../../support/standalone-simulator';

// The standalone simulator (its bin) stopped and started again over one state directory.
const stateDir = mkdtempSync(join(tmpdir(), 'sim-restart-'));
let rx: Receiver;
let running: StandaloneSimulator | undefined;
before(async () => {
  rx = await new Receiver().start();
});
after(async () => {
  await running?.stop();
  await rx.close();
  rmSync(stateDir, { recursive: true, force: true });
});

function aFreshProvider(): TestProvider {
  const { privateKey } = merchantKeys();
  return {
    sp_mchid: mchid(),
    sp_appid: appid(),
    serial: randomBytes(20).toString('hex').toUpperCase(),
    privateKey,
    apiv3Key: randomBytes(16).toString('hex'),
    sub_mchid: mchid(),
    sub_appid: appid(),
  };
}

test('When the standalone simulator restarts over its state directory, then earlier merchants, AppSecrets and paid orders are still there: queryable, refundable and billed', async () => {
  const p = aFreshProvider();
  running = await startStandaloneSimulator(['--state', stateDir]);
  let base = running.baseUrl;
  const publicKey = merchantKeys().publicKey.export({ type: 'spki', format: 'pem' });
  const sp = await control(base, 'POST', '/service-providers', {
    sp_mchid: p.sp_mchid,
    sp_appid: p.sp_appid,
    merchant_serial_no: p.serial,
    merchant_public_key: publicKey,
    apiv3_key: p.apiv3Key,
  });
  assert.equal(sp.status, 200, JSON.stringify(sp.body));
  assert.equal(
    (await control(base, 'POST', '/sub-merchants', { sp_mchid: p.sp_mchid, sub_mchid: p.sub_mchid, appids: [p.sub_appid] })).status,
    200,
  );
  assert.equal((await control(base, 'POST', '/apps', { appid: p.sub_appid, secret: 'the-app-secret' })).status, 200);
  const paid = orderBody(p, rx.url);
  const unpaid = orderBody(p, rx.url, { out_trade_no: outNo('U') });
  for (const body of [paid, unpaid])
    assert.equal((await signedRequest(base, p, 'POST', '/v3/pay/partner/transactions/jsapi', body)).status, 200);
  const pay = await control(base, 'POST', '/pay', { sub_mchid: p.sub_mchid, out_trade_no: paid.out_trade_no });
  assert.equal(pay.status, 200, JSON.stringify(pay.body));
  const transactionId = pay.body.transaction_id as string;
  const platformBefore = (await control(base, 'GET', '/platform')).body.public_key_id;
  // A namespace keeps its own state across the restart too.
  const ns = (b: string) => `${b}/ns/suite-a`;
  assert.equal(
    (
      await control(ns(base), 'POST', '/service-providers', {
        sp_mchid: p.sp_mchid,
        sp_appid: p.sp_appid,
        merchant_serial_no: p.serial,
        merchant_public_key: publicKey,
        apiv3_key: p.apiv3Key,
      })
    ).status,
    200,
  );
  assert.equal(
    (await control(ns(base), 'POST', '/sub-merchants', { sp_mchid: p.sp_mchid, sub_mchid: p.sub_mchid, appids: [p.sub_appid] })).status,
    200,
  );
  const inNamespace = orderBody(p, rx.url);
  assert.equal((await signedRequest(ns(base), p, 'POST', '/v3/pay/partner/transactions/jsapi', inNamespace)).status, 200);

  assert.equal(await running.stop(), 0);
  assert.equal(
    statSync(join(stateDir, 'simulator-state.v8')).mode & 0o777,
    0o600,
    'the state file is private (it holds APIv3 keys and AppSecrets)',
  );
  running = await startStandaloneSimulator(['--state', stateDir]);
  base = running.baseUrl;

  assert.equal((await control(base, 'GET', '/platform')).body.public_key_id, platformBefore, 'same platform keys');
  const q = `?sp_mchid=${p.sp_mchid}&sub_mchid=${p.sub_mchid}`;
  const byNo = await signedRequest(base, p, 'GET', `/v3/pay/partner/transactions/out-trade-no/${paid.out_trade_no}${q}`);
  assert.equal(byNo.status, 200, byNo.text);
  assert.deepEqual([byNo.json.trade_state, byNo.json.transaction_id], ['SUCCESS', transactionId]);
  const byId = await signedRequest(base, p, 'GET', `/v3/pay/partner/transactions/id/${transactionId}${q}`);
  assert.equal(byId.json.out_trade_no, paid.out_trade_no);
  const nsQuery = `/v3/pay/partner/transactions/out-trade-no/${inNamespace.out_trade_no}${q}`;
  assert.equal((await signedRequest(ns(base), p, 'GET', nsQuery)).json.trade_state, 'NOTPAY', 'the namespace kept its order');
  assert.equal((await signedRequest(base, p, 'GET', nsQuery)).status, 404, 'and only there');
  // The unpaid order of before the restart can still be paid.
  assert.equal((await control(base, 'POST', '/pay', { sub_mchid: p.sub_mchid, out_trade_no: unpaid.out_trade_no })).status, 200);

  const refundNo = outNo('R');
  const refund = await signedRequest(base, p, 'POST', '/v3/refund/domestic/refunds', {
    sub_mchid: p.sub_mchid,
    out_trade_no: paid.out_trade_no,
    out_refund_no: refundNo,
    amount: { refund: 40, total: 100, currency: 'CNY' },
  });
  assert.equal(refund.status, 200, refund.text);
  assert.equal(refund.json.status, 'PROCESSING');
  const finished = await control(base, 'POST', '/refunds/finish', { sub_mchid: p.sub_mchid, out_refund_no: refundNo, status: 'SUCCESS' });
  assert.equal(finished.status, 200, JSON.stringify(finished.body));

  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const bill = await signedRequest(base, p, 'GET', `/v3/bill/tradebill?bill_date=${today}&sub_mchid=${p.sub_mchid}&bill_type=ALL`);
  assert.equal(bill.status, 200, bill.text);
  const file = await signedRequest(base, p, 'GET', new URL(bill.json.download_url).pathname + new URL(bill.json.download_url).search);
  assert.match(file.text, new RegExp(`\`${transactionId}`), 'the order paid before the restart is in the bill');
  assert.match(file.text, new RegExp(`\`${refundNo}`), 'and so is its refund after the restart');

  // The AppSecret registered before the restart still logs users in.
  const code = await control(base, 'POST', '/login-codes', { appid: p.sub_appid, openid: 'o_restart_user' });
  assert.equal(code.status, 201, JSON.stringify(code.body));
  const login = await fetch(
    `${base}/sns/jscode2session?appid=${p.sub_appid}&secret=the-app-secret&js_code=${code.body.code}&grant_type=authorization_code`,
  );
  assert.equal(((await login.json()) as { openid?: string }).openid, 'o_restart_user');
});
