import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { aProvider, mchid, orderBody, pluginVerifies, Receiver, signedRequest, startSim, type RunningSim } from './harness';

// What WeChat Pay answers to requests it cannot trust or read: its status codes, {code, message} in its
// Chinese wording, a Request-ID ending in its internal code, and a signed answer.
let s: RunningSim;
let rx: Receiver;
before(async () => {
  s = await startSim();
  rx = await new Receiver().start();
});
after(async () => {
  await s.close();
  await rx.close();
});

const JSAPI = '/v3/pay/partner/transactions/jsapi';

test('When a request is signed badly, is stale, names a wrong serial or an unknown merchant, then 401 SIGN_ERROR with WeChat Pay’s wording and nothing is ordered', async () => {
  const p = aProvider(s.sim);
  const cases = [
    { o: { badSignature: true }, message: '签名错误，请检查后再试' },
    { o: { timestamp: Math.floor(Date.now() / 1000) - 310 }, message: '请求时间戳与服务器时间相差过大，请检查后再试' },
    { o: { timestamp: Math.floor(Date.now() / 1000) + 310 }, message: '请求时间戳与服务器时间相差过大，请检查后再试' },
    { o: { serial: 'ABCDEF0123456789ABCDEF0123456789ABCDEF01' }, message: '商户证书序列号有误。' },
    { o: { mchid: mchid() }, message: /^商户号\d+不存在或未配置$/ },
  ];
  for (const c of cases) {
    const res = await signedRequest(s.baseUrl, p, 'POST', JSAPI, orderBody(p, rx.url), c.o);
    assert.equal(res.status, 401, JSON.stringify(c.o));
    assert.equal(res.json.code, 'SIGN_ERROR');
    if (typeof c.message === 'string') assert.equal(res.json.message, c.message);
    else assert.match(res.json.message, c.message);
    assert.match(res.headers.get('request-id') ?? '', /-268443699$/);
    assert.ok(pluginVerifies(res.headers, res.text, s.sim.platform().public_key_pem), 'error answers are signed');
  }
  assert.equal(s.sim.orders().length, 0);
});

test('When the body is not JSON or breaks a field rule, then 400 PARAM_ERROR naming the field in WeChat Pay’s wording', async () => {
  const p = aProvider(s.sim);
  const notJson = await signedRequest(s.baseUrl, p, 'POST', JSAPI, undefined, { rawBody: '{"sp_mchid":' });
  assert.equal(notJson.status, 400);
  assert.equal(notJson.json.code, 'PARAM_ERROR');
  assert.match(notJson.json.message, /请求体不是合法的JSON$/);
  const noNotify = await signedRequest(s.baseUrl, p, 'POST', JSAPI, orderBody(p, rx.url, { notify_url: undefined }));
  assert.equal(noNotify.status, 400);
  assert.equal(noNotify.json.detail.field, '/notify_url');
  assert.match(noNotify.json.message, /^输入源“\/body\/notify_url”映射到值字段“notify_url”必填性规则校验失败/);
  const unknownSub = await signedRequest(s.baseUrl, p, 'POST', JSAPI, orderBody(p, rx.url, { sub_mchid: mchid() }));
  assert.equal(unknownSub.status, 400);
  assert.equal(unknownSub.json.code, 'MCH_NOT_EXISTS');
  assert.equal(unknownSub.json.message, '商户号不存在');
  assert.equal(s.sim.orders().length, 0);
});
