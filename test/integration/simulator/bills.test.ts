import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Formatter, Rsa } from 'wechatpay-axios-plugin';
import { ManualClock } from '../../../src/platform/clock';
import { beijingDate } from '@partnerpay/wxpay-simulator';
import { aProvider, mchid, orderBody, outNo, Receiver, signedRequest, startSim, type RunningSim, type TestProvider } from './harness';

// The published trade bill (WeChat Pay's sample), shipped as a fixture (dist/test/integration/simulator → repo root).
const FIXTURE = resolve(__dirname, '../../../../test/fixtures/bills/tradebill-ALL.csv');

let s: RunningSim;
let rx: Receiver;
let p: TestProvider;
let today: string;
let paid: Array<{ out_trade_no: string; transaction_id: string; total: number }>;
let refundNo: string;

before(async () => {
  s = await startSim();
  rx = await new Receiver().start();
  p = aProvider(s.sim);
  today = beijingDate(Date.now());
  paid = [];
  for (const [total, over] of [
    [1234, { attach: 'cart=7' }],
    [1, { sub_appid: undefined, payer: { sp_openid: 'oSPopenid_centralized_0001' } }],
  ] as const) {
    const body = orderBody(p, rx.url, { amount: { total, currency: 'CNY' }, ...over });
    const res = await signedRequest(s.baseUrl, p, 'POST', '/v3/pay/partner/transactions/jsapi', body);
    const tx = await s.sim.pay({ prepay_id: res.json.prepay_id });
    paid.push({ out_trade_no: body.out_trade_no as string, transaction_id: tx.transaction_id as string, total });
  }
  refundNo = outNo('R');
  await signedRequest(s.baseUrl, p, 'POST', '/v3/refund/domestic/refunds', {
    sub_mchid: p.sub_mchid,
    transaction_id: paid[0].transaction_id,
    out_refund_no: refundNo,
    amount: { refund: 234, total: 1234, currency: 'CNY' },
  });
  // Another sub-merchant's paid order, to check the sub_mchid filter.
  const otherSub = mchid();
  s.sim.registerSubMerchant({ sp_mchid: p.sp_mchid, sub_mchid: otherSub, appids: [p.sub_appid] });
  const other = await signedRequest(
    s.baseUrl,
    p,
    'POST',
    '/v3/pay/partner/transactions/jsapi',
    orderBody(p, rx.url, { sub_mchid: otherSub }),
  );
  await s.sim.pay({ prepay_id: other.json.prepay_id });
});
after(async () => {
  await s.close();
  await rx.close();
});

async function download(url: string): Promise<Buffer> {
  const u = new URL(url);
  const res = await fetch(url, { headers: authHeaders(`${u.pathname}${u.search}`) });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('wechatpay-signature'), null, 'bill downloads are not signed');
  return Buffer.from(await res.arrayBuffer());
}
/** A signed GET of the download URL (signed like any request; the answer is raw bytes). */
function authHeaders(pathWithQuery: string): Record<string, string> {
  const ts = Formatter.timestamp();
  const nonce = Formatter.nonce();
  const sig = Rsa.sign(Formatter.request('GET', pathWithQuery, ts, nonce, ''), p.privateKey);
  return {
    Accept: '*/*',
    'User-Agent': 'simulator-tests/1.0',
    Authorization: Formatter.authorization(p.sp_mchid, nonce, sig, ts, p.serial),
  };
}
const apply = (q: string) => signedRequest(s.baseUrl, p, 'GET', `/v3/bill/tradebill?${q}`);

test('When the ALL trade bill is downloaded, then it has the real format: BOM, the published header, backtick fields, summary lines, CRLF, SHA1 hash', async () => {
  const res = await apply(`bill_date=${today}&sub_mchid=${p.sub_mchid}`);
  assert.equal(res.status, 200);
  assert.equal(res.json.hash_type, 'SHA1');
  assert.ok(res.json.download_url.startsWith(`${s.baseUrl}/v3/billdownload/file?token=`));
  const bytes = await download(res.json.download_url);
  assert.equal(createHash('sha1').update(bytes).digest('hex'), res.json.hash_value);
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const text = bytes.toString('utf8').slice(1);
  assert.ok(text.endsWith('\r\n'));
  const lines = text.split('\r\n');
  assert.equal(lines.length, 1 + 3 + 2 + 1, 'header, 3 rows (2 payments + 1 refund), summary header, summary, trailing empty line');
  for (const row of lines.slice(1, 4)) {
    assert.ok(row.startsWith('`'));
    assert.equal(row.split(',`').length, 27);
  }

  const fixture = readFileSync(FIXTURE).toString('utf8').slice(1).split('\r\n');
  assert.equal(lines[0], fixture[0], 'same detail header as the published bill');
  assert.equal(lines[4], fixture[fixture.length - 3], 'same summary header as the published bill');
  assert.equal(fixture[1].split(',`').length, 27);

  // The plugin's bill parser reads it like a real bill.
  const { rows, summary } = Formatter.castCsvBill(bytes) as { rows: Array<Record<string, string>>; summary: Record<string, string> };
  assert.equal(rows.length, 3);
  const pay = rows.find((r) => r['商户订单号'] === paid[0].out_trade_no && r['交易状态'] === 'SUCCESS')!;
  assert.deepEqual(
    [
      pay['商户号'],
      pay['特约商户号'],
      pay['公众账号ID'],
      pay['应结订单金额'],
      pay['订单金额'],
      pay['手续费'],
      pay['费率'],
      pay['微信订单号'],
      pay['微信退款单号'],
      pay['交易类型'],
      pay['商户数据包'],
    ],
    [p.sp_mchid, p.sub_mchid, p.sub_appid, '12.34', '12.34', '0.07000', '0.60%', paid[0].transaction_id, '0', 'JSAPI', 'cart=7'],
  );
  const centralized = rows.find((r) => r['商户订单号'] === paid[1].out_trade_no)!;
  assert.deepEqual(
    [centralized['公众账号ID'], centralized['用户标识'], centralized['订单金额']],
    [p.sp_appid, 'oSPopenid_centralized_0001', '0.01'],
  );
  const ref = rows.find((r) => r['交易状态'] === 'REFUND')!;
  assert.deepEqual(
    [ref['商户退款单号'], ref['退款金额'], ref['申请退款金额'], ref['应结订单金额'], ref['退款类型'], ref['退款状态']],
    [refundNo, '2.34', '2.34', '0.00', 'ORIGINAL', 'PROCESSING'],
  );
  assert.match(ref['交易时间'], /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  assert.deepEqual(summary, {
    总交易单数: '3.0',
    应结订单总金额: '12.35',
    退款总金额: '2.34',
    充值券退款总金额: '0.0',
    手续费总金额: '0.06',
    订单总金额: '12.35',
    申请退款总金额: '2.34',
  });
});

test('When SUCCESS and REFUND bills are asked for, then they have 20 and 29 columns and only their rows', async () => {
  const success = Formatter.castCsvBill(
    await download((await apply(`bill_date=${today}&sub_mchid=${p.sub_mchid}&bill_type=SUCCESS`)).json.download_url),
  ) as { rows: Array<Record<string, string>>; summary: Record<string, string> };
  assert.equal(success.rows.length, 2);
  assert.equal(Object.keys(success.rows[0]).length, 20);
  assert.deepEqual(Object.keys(success.summary), ['总交易单数', '应结订单总金额', '手续费总金额', '订单总金额']);
  const refund = Formatter.castCsvBill(
    await download((await apply(`bill_date=${today}&sub_mchid=${p.sub_mchid}&bill_type=REFUND`)).json.download_url),
  ) as { rows: Array<Record<string, string>> };
  assert.equal(refund.rows.length, 1);
  assert.equal(Object.keys(refund.rows[0]).length, 29);
  assert.match(refund.rows[0]['退款申请时间'], /^\d{4}-/);
});

test('When sub_mchid is omitted, then the bill covers every sub-merchant of the provider', async () => {
  const all = Formatter.castCsvBill(await download((await apply(`bill_date=${today}`)).json.download_url)) as { rows: unknown[] };
  assert.equal(all.rows.length, 4);
});

test('When tar_type=GZIP, then the download is gzip and hash_value is the SHA1 of the uncompressed bill', async () => {
  const res = await apply(`bill_date=${today}&sub_mchid=${p.sub_mchid}&tar_type=GZIP`);
  const gz = await download(res.json.download_url);
  assert.deepEqual([...gz.subarray(0, 2)], [0x1f, 0x8b]);
  assert.equal(createHash('sha1').update(gunzipSync(gz)).digest('hex'), res.json.hash_value);
});

test("When the fund-flow bill is asked for, then it is the provider account's (no movements in ordinary SP mode) in the same format", async () => {
  const res = await signedRequest(s.baseUrl, p, 'GET', `/v3/bill/fundflowbill?bill_date=${today}&account_type=BASIC`);
  assert.equal(res.json.hash_type, 'SHA1');
  const text = (await download(res.json.download_url)).toString('utf8');
  assert.ok(text.startsWith('\ufeff记账时间,'));
  assert.ok(text.endsWith('资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额\r\n`0,`0,`0.00,`0,`0.00\r\n'));
});

test('When bill_date is malformed or in the future, or bill_type unknown, then PARAM_ERROR naming the query parameter', async () => {
  assert.deepEqual(
    [(await apply('bill_date=20240101')).json.detail.field, (await apply('bill_date=20240101')).json.detail.location],
    ['bill_date', 'query'],
  );
  assert.equal((await apply('bill_date=2999-01-01')).json.detail.field, 'bill_date');
  assert.equal((await apply(`bill_date=${today}&bill_type=ALL_SPECIAL`)).json.detail.field, 'bill_type');
  assert.equal((await apply(`bill_date=${today}&sub_mchid=${mchid()}`)).json.code, 'MCH_NOT_EXISTS');
});

test('When the download_url is older than 30 s, or used by another mchid, then 400 INVALID_REQUEST', async () => {
  const clock = new ManualClock(Date.now());
  const m = await startSim({ clock });
  try {
    const mp = aProvider(m.sim);
    // A fresh simulator has no trades: the trade bill of an empty day is NO_STATEMENT_EXIST (spec §3.5); the fund-flow bill has a link.
    const empty = await signedRequest(m.baseUrl, mp, 'GET', `/v3/bill/tradebill?bill_date=${today}`);
    assert.equal(empty.status, 400);
    assert.equal(empty.json.code, 'NO_STATEMENT_EXIST');
    const res = await signedRequest(m.baseUrl, mp, 'GET', `/v3/bill/fundflowbill?bill_date=${today}`);
    const u = new URL(res.json.download_url);
    const other = aProvider(m.sim);
    assert.equal((await signedRequest(m.baseUrl, other, 'GET', `${u.pathname}${u.search}`)).json.code, 'INVALID_REQUEST');
    clock.advance(31_000);
    const late = await signedRequest(m.baseUrl, mp, 'GET', `${u.pathname}${u.search}`);
    assert.equal(late.status, 400);
    assert.equal(late.json.code, 'INVALID_REQUEST');
  } finally {
    await m.close();
  }
});
