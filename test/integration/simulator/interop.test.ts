import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import {
  aProvider,
  aRemoteProvider,
  orderBody,
  outNo,
  pluginClient,
  pluginDecrypt,
  pluginVerifies,
  Receiver,
  signedRequest,
  startSim,
  v3,
  type RunningSim,
} from './harness';

import { RemoteSimulator, startStandaloneSimulator, type StandaloneSimulator } from '../../support/standalone-simulator';

// Two independent implementations agreeing: wechatpay-axios-plugin signs every request and verifies
// every response here, against the standalone package started by its bin on a free port (driven
// through its control API); the last test mounts it under /simulator as in the demo.
let standalone: StandaloneSimulator;
let s: { baseUrl: string; sim: RemoteSimulator };
let platform: Awaited<ReturnType<RemoteSimulator['platform']>>;
let rx: Receiver;
before(async () => {
  standalone = await startStandaloneSimulator(['--state', '']);
  s = { baseUrl: standalone.baseUrl, sim: new RemoteSimulator(standalone.baseUrl) };
  platform = await s.sim.platform();
  rx = await new Receiver().start();
});
after(async () => {
  if (standalone) assert.equal(await standalone.stop(), 0, 'the bin stops cleanly on SIGTERM');
  await rx?.close();
});

test('When the plugin (public-key mode) orders, queries, is paid, refunds, then every response verifies and every notification decrypts', async () => {
  const p = await aRemoteProvider(s.sim, 'public_key');
  const client = v3(pluginClient(p, s.baseUrl, { [platform.public_key_id]: platform.public_key_pem }));
  const body = orderBody(p, rx.url);

  const created = await client.post('v3/pay/partner/transactions/jsapi', body);
  assert.equal(created.status, 200);
  assert.match(created.data.prepay_id, /^wx\d{14}[0-9a-f]{20}$/);
  assert.equal(created.headers['wechatpay-serial'], platform.public_key_id);
  assert.match(created.headers['request-id'], /^[0-9A-F]{24}-0$/);
  const call = (await s.sim.calls()).at(-1)!;
  assert.deepEqual(
    { method: call.method, path: call.path, body: call.body, sp_mchid: call.sp_mchid, status: call.status },
    { method: 'POST', path: '/v3/pay/partner/transactions/jsapi', body, sp_mchid: p.sp_mchid, status: 200 },
  );

  const again = await client.post('v3/pay/partner/transactions/jsapi', body);
  assert.equal(again.data.prepay_id, created.data.prepay_id);

  const params = { sp_mchid: p.sp_mchid, sub_mchid: p.sub_mchid };
  const unpaid = await client.get(`v3/pay/partner/transactions/out-trade-no/${body.out_trade_no}`, { params });
  assert.equal(unpaid.data.trade_state, 'NOTPAY');
  assert.equal(unpaid.data.trade_state_desc, '订单未支付');

  await s.sim.pay({ prepay_id: created.data.prepay_id });
  assert.equal(rx.received.length, 1);
  const n = rx.received[0];
  assert.equal(n.headers['wechatpay-serial'], platform.public_key_id);
  assert.equal(n.headers['wechatpay-signature-type'], 'WECHATPAY2-SHA256-RSA2048');
  assert.ok(pluginVerifies(n.headers, n.body, platform.public_key_pem), 'the plugin verifies the notification signature');
  const envelope = JSON.parse(n.body);
  assert.equal(envelope.event_type, 'TRANSACTION.SUCCESS');
  assert.equal(envelope.resource_type, 'encrypt-resource');
  assert.equal(envelope.summary, '支付成功');
  assert.match(envelope.create_time, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
  assert.equal(envelope.id.length, 36);
  assert.deepEqual(
    [envelope.resource.algorithm, envelope.resource.original_type, envelope.resource.associated_data],
    ['AEAD_AES_256_GCM', 'transaction', 'transaction'],
  );
  assert.equal(envelope.resource.nonce.length, 12);
  const tx = JSON.parse(pluginDecrypt(envelope.resource, p.apiv3Key));
  assert.equal(tx.trade_state, 'SUCCESS');
  assert.equal(tx.out_trade_no, body.out_trade_no);
  assert.equal(tx.sub_mchid, p.sub_mchid);
  assert.equal(tx.sp_mchid, p.sp_mchid);
  assert.equal(tx.sub_appid, p.sub_appid);
  assert.deepEqual(tx.amount, { total: 100, payer_total: 100, currency: 'CNY', payer_currency: 'CNY' });
  assert.equal(tx.payer.sub_openid, 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o');
  assert.match(tx.transaction_id, /^4200\d{24}$/);

  const byId = await client.get(`v3/pay/partner/transactions/id/${tx.transaction_id}`, { params });
  assert.equal(byId.data.trade_state, 'SUCCESS');
  assert.equal(byId.data.success_time, tx.success_time);

  const out_refund_no = outNo('R');
  const refund = await client.post('v3/refund/domestic/refunds', {
    sub_mchid: p.sub_mchid,
    transaction_id: tx.transaction_id,
    out_refund_no,
    reason: '不想要了',
    amount: { refund: 40, total: 100, currency: 'CNY' },
  });
  assert.equal(refund.data.status, 'PROCESSING');
  assert.equal(refund.data.amount.refund, 40);
  assert.match(refund.data.refund_id, /^50\d{27}$/);

  await s.sim.finishRefund({ out_refund_no, sub_mchid: p.sub_mchid, status: 'SUCCESS' });
  const rn = rx.received[1];
  assert.ok(pluginVerifies(rn.headers, rn.body, platform.public_key_pem));
  const renv = JSON.parse(rn.body);
  assert.equal(renv.event_type, 'REFUND.SUCCESS');
  assert.equal(renv.resource.original_type, 'refund');
  const rres = JSON.parse(pluginDecrypt(renv.resource, p.apiv3Key));
  assert.deepEqual(
    { status: rres.refund_status, out_refund_no: rres.out_refund_no, sub_mchid: rres.sub_mchid, amount: rres.amount },
    { status: 'SUCCESS', out_refund_no, sub_mchid: p.sub_mchid, amount: { total: 100, refund: 40, payer_total: 100, payer_refund: 40 } },
  );
  const queried = await client.get(`v3/refund/domestic/refunds/${out_refund_no}`, { params: { sub_mchid: p.sub_mchid } });
  assert.equal(queried.data.status, 'SUCCESS');
  const order = await client.get(`v3/pay/partner/transactions/out-trade-no/${body.out_trade_no}`, { params });
  assert.equal(order.data.trade_state, 'REFUND');

  // The day's trade bill: applied for with a verified answer, downloaded raw (the plugin does not verify downloads).
  const billDate = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const bill = await client.get('v3/bill/tradebill', { params: { bill_date: billDate, sub_mchid: p.sub_mchid, bill_type: 'ALL' } });
  assert.equal(bill.data.hash_type, 'SHA1');
  const token = new URL(bill.data.download_url).searchParams.get('token');
  const file = await client.get('v3/billdownload/file', { params: { token }, responseType: 'arraybuffer' });
  const bytes = Buffer.from(file.data as ArrayBuffer);
  assert.equal(createHash('sha1').update(bytes).digest('hex'), bill.data.hash_value);
  const csv = bytes.toString('utf8');
  assert.ok(csv.includes(`\`${tx.transaction_id}`), 'the paid order is a row of the bill');
  assert.ok(csv.includes(`\`${out_refund_no}`), 'and so is its refund');
});

test('When a certificate-mode provider downloads /v3/certificates, then the plugin decrypts a certificate whose serial signs the responses', async () => {
  const p = await aRemoteProvider(s.sim, 'certificate');
  const res = await signedRequest(s.baseUrl, p, 'GET', '/v3/certificates');
  assert.equal(res.status, 200);
  const [entry] = res.json.data;
  assert.deepEqual(Object.keys(entry.encrypt_certificate).sort(), ['algorithm', 'associated_data', 'ciphertext', 'nonce']);
  assert.equal(entry.encrypt_certificate.associated_data, 'certificate');
  const pem = pluginDecrypt(entry.encrypt_certificate, p.apiv3Key);
  const cert = new X509Certificate(pem);
  assert.equal(cert.serialNumber.toUpperCase(), entry.serial_no);
  assert.match(entry.serial_no, /^[0-9A-F]{40}$/);
  assert.equal(entry.serial_no, platform.certificate_serial);
  assert.equal(res.headers.get('wechatpay-serial'), entry.serial_no);
  assert.ok(pluginVerifies(res.headers, res.text, pem), 'the response is signed by the key of the certificate it carries');
  assert.match(entry.effective_time, /\+08:00$/);
  assert.ok(Date.parse(entry.expire_time) > Date.now() + 4 * 365 * 86_400_000);

  // With the downloaded certificate, the plugin's own client verifies orders and the 204 of close.
  const client = v3(pluginClient(p, s.baseUrl, { [entry.serial_no]: pem }));
  const body = orderBody(p, rx.url);
  const created = await client.post('v3/pay/partner/transactions/jsapi', body);
  assert.equal(created.headers['wechatpay-serial'], entry.serial_no);
  const closed = await client.post(`v3/pay/partner/transactions/out-trade-no/${body.out_trade_no}/close`, {
    sp_mchid: p.sp_mchid,
    sub_mchid: p.sub_mchid,
  });
  assert.equal(closed.status, 204);
});

test('When a public-key-mode provider asks for /v3/certificates, then 404 RESOURCE_NOT_EXISTS as on WeChat Pay', async () => {
  const p = await aRemoteProvider(s.sim, 'public_key');
  const res = await signedRequest(s.baseUrl, p, 'GET', '/v3/certificates');
  assert.equal(res.status, 404);
  assert.equal(res.json.code, 'RESOURCE_NOT_EXISTS');
  assert.ok(pluginVerifies(res.headers, res.text, platform.public_key_pem), 'error responses are signed too');
});

test('When the plugin signs the path without the mount prefix, then the simulator accepts it as well', async () => {
  const mounted: RunningSim = await startSim({}, '/simulator');
  after(() => mounted.close());
  const p = aProvider(mounted.sim);
  const res = await signedRequest(
    mounted.baseUrl,
    p,
    'GET',
    `/v3/pay/partner/transactions/out-trade-no/NOPE123456?sp_mchid=${p.sp_mchid}&sub_mchid=${p.sub_mchid}`,
    undefined,
    {
      signedUrl: `/v3/pay/partner/transactions/out-trade-no/NOPE123456?sp_mchid=${p.sp_mchid}&sub_mchid=${p.sub_mchid}`,
    },
  );
  assert.equal(res.status, 404);
  assert.equal(res.json.code, 'ORDER_NOT_EXIST');
});
