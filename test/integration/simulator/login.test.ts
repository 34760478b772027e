import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/platform/clock';
import { WechatApiClient } from '../../../src/modules/checkout/wechat-api';
import { WechatErrcodeError, WechatTransportError } from '../../../src/modules/checkout/wechat-errors';
import { appid, startSim, type RunningSim } from './harness';

const clock = new ManualClock(Date.UTC(2026, 11, 1, 2, 0, 0));
let s: RunningSim;
let client: WechatApiClient;
const app = appid();
const secret = 'a'.repeat(32);

before(async () => {
  s = await startSim({ clock }, '/wx');
  client = new WechatApiClient({ baseUrl: s.baseUrl, connectTimeoutMs: 1000, requestTimeoutMs: 2000 });
  const res = await fetch(`${s.baseUrl}/control/apps`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ appid: app, secret }),
  });
  assert.equal(res.status, 200);
});
after(async () => {
  await client.close();
  await s.close();
});

const issue = async (body: Record<string, unknown>) => {
  const res = await fetch(`${s.baseUrl}/control/login-codes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { code: string; expires_in: number } };
};
const errcodeOf = (p: Promise<unknown>) =>
  p.then(
    () => 0,
    (e: unknown) => (e instanceof WechatErrcodeError ? e.errcode : -999),
  );

test('When a code issued by the control API is exchanged, then the openid comes back once; the session_key never leaves the client', async () => {
  const { status, body } = await issue({ appid: app, openid: 'oBuyer000001' });
  assert.equal(status, 201);
  assert.equal(body.expires_in, 300);
  assert.match(body.code, /^[A-Za-z0-9]{32}$/);
  const login = await client.code2Session(app, secret, body.code);
  assert.deepEqual(login, { openid: 'oBuyer000001' });
  assert.equal(await errcodeOf(client.code2Session(app, secret, body.code)), 40163, 'single use');
});

test('When the code is expired, of another AppID, or the AppSecret is wrong, then WeChat errcodes in {errcode, errmsg}', async () => {
  const other = appid();
  const expired = (await issue({ appid: app, openid: 'oBuyer000002' })).body.code;
  clock.advance(300_000);
  assert.equal(await errcodeOf(client.code2Session(app, secret, expired)), 40029);
  const foreign = (await issue({ appid: other, openid: 'oBuyer000002' })).body.code;
  assert.equal(await errcodeOf(client.code2Session(app, secret, foreign)), 40029);
  const fresh = (await issue({ appid: app, openid: 'oBuyer000002' })).body.code;
  assert.equal(await errcodeOf(client.code2Session(app, 'b'.repeat(32), fresh)), 40125);
  assert.equal(await errcodeOf(client.code2Session(other, secret, fresh)), 40013);
  const raw = (await (
    await fetch(`${s.baseUrl}/sns/jscode2session?appid=${app}&secret=${secret}&js_code=nope&grant_type=authorization_code`)
  ).json()) as { errcode: number; errmsg: string };
  assert.equal(raw.errcode, 40029);
  assert.match(raw.errmsg, /^invalid code, rid: [0-9a-f]+$/);
  const post = (await (await fetch(`${s.baseUrl}/sns/jscode2session`, { method: 'POST' })).json()) as { errcode: number };
  assert.equal(post.errcode, 41002, 'GET only, as WeChat');
  for (const errcode of [45011, 40226, -1]) {
    const code = (await issue({ appid: app, openid: 'oBuyer000003', errcode })).body.code;
    assert.equal(await errcodeOf(client.code2Session(app, secret, code)), errcode);
  }
  assert.equal((await issue({ appid: app, openid: 'oBuyer000003', errcode: 12345 })).status, 400);
});

test('When WeChat cannot be reached, then a typed transport error without the URL (it carries the AppSecret)', async () => {
  const dead = new WechatApiClient({ baseUrl: 'http://127.0.0.1:1', connectTimeoutMs: 500, requestTimeoutMs: 500 });
  try {
    await assert.rejects(dead.code2Session(app, secret, 'x'.repeat(32)), (e: unknown) => {
      assert.ok(e instanceof WechatTransportError);
      assert.ok(!(e as Error).message.includes(secret));
      assert.equal((e as WechatTransportError).toAppError().status, 502);
      return true;
    });
  } finally {
    await dead.close();
  }
});
