import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { encryptedPush, pushXml, type ComponentAccount } from '@partnerpay/wxpay-simulator';
import { startTestApp, type TestApp } from '../../support/app';
import { admin, rsaPems, uniqueAppid } from '../../support/tenancy';
import { givenWechatProvider, givenWechatTenant, simulatorOf, type Provider } from '../../support/payments';
import { authorizationLink, eventsOf, givenOpenPlatform, pushTicket } from './support';

let t: TestApp;
let provider: Provider;

before(async () => {
  t = await startTestApp();
  provider = await givenWechatProvider(t, rsaPems());
});
after(() => t.close());

const now = () => Math.floor(Date.now() / 1000);

/** POSTs one push as WeChat would, built from `account`'s secrets; `over` changes what WeChat would not. */
function push(
  account: ComponentAccount,
  message: string,
  over: { timestamp?: number; appid?: string; encodingAesKey?: string; query?: Record<string, string>; body?: string; path?: string } = {},
) {
  const p = encryptedPush({
    token: account.token,
    encodingAesKey: over.encodingAesKey ?? account.encoding_aes_key,
    appid: over.appid ?? account.component_appid,
    message,
    timestamp: over.timestamp ?? now(),
    nonce: '1320562132',
  });
  return request(t.http)
    .post(over.path ?? `/open-platform/${account.component_appid}/events`)
    .query({ ...p.query, ...over.query })
    .set('Content-Type', 'text/xml')
    .send(over.body ?? p.body);
}

const ticketMessage = (appid: string, ticket: string, createTime = now()) =>
  pushXml({ AppId: appid, CreateTime: createTime, InfoType: 'component_verify_ticket', ComponentVerifyTicket: ticket });

async function ticketOf(appid: string) {
  return (
    await request(t.http)
      .get(`/admin/v1/open-platforms/${appid}`)
      .set(...admin(t))
  ).body.ticket as { received: boolean; created_at: string | null };
}

test('When a push is forged, tampered, foreign, stale or unreadable, then 400 with the check that failed and nothing stored', async () => {
  const { appid, account } = await givenOpenPlatform(t);
  const message = ticketMessage(appid, 'ticket@@@forged');
  const cases: Array<[string, Awaited<ReturnType<typeof push>>, string, number | null]> = [
    ['wrong msg_signature', await push(account, message, { query: { msg_signature: '12345' } }), 'msg_signature', -40001],
    ['wrong plain signature', await push(account, message, { query: { signature: 'f'.repeat(40) } }), 'signature', -40001],
    ['encrypted for another AppID', await push(account, message, { appid: uniqueAppid() }), 'appid', -40005],
    ['replayed an hour later', await push(account, message, { timestamp: now() - 3600 }), 'timestamp', null],
    ['not XML', await push(account, message, { body: 'hello' }), '(body)', -40002],
    [
      'with a DTD',
      await push(account, message, { body: '<!DOCTYPE x [<!ENTITY e "x">]><xml><Encrypt>&e;</Encrypt></xml>' }),
      '(body)',
      -40002,
    ],
    ['without Encrypt', await push(account, message, { body: '<xml><AppId>x</AppId></xml>' }), 'Encrypt', -40002],
  ];
  for (const [name, res, check, code] of cases) {
    assert.equal(res.status, 400, `${name}: ${res.text}`);
    assert.equal(res.body.code, 'PARAM_ERROR', name);
    assert.deepEqual([res.body.detail.check, res.body.detail.wxbizmsgcrypt], [check, code], name);
  }
  // Under another key the plaintext is noise: the padding check refuses it, or (1 time in 256) the length or AppID check.
  const noise = await push(account, message, { encodingAesKey: 'ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut' });
  assert.equal(noise.status, 400);
  assert.ok([-40007, -40008, -40005].includes(noise.body.detail.wxbizmsgcrypt), noise.text);
  // The message itself names another AppID (signed and encrypted correctly for ours).
  const inner = await push(account, ticketMessage(uniqueAppid(), 'ticket@@@other'));
  assert.deepEqual([inner.status, inner.body.detail.check], [400, 'AppId']);
  const plain = await push(account, message, { query: { encrypt_type: 'raw' } });
  assert.equal(plain.status, 400);
  assert.equal((await ticketOf(appid)).received, false, 'nothing was stored');

  const unknown = await push({ ...account, component_appid: uniqueAppid() }, message);
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.code, 'NOT_FOUND');
});

test('When the same push arrives twice, or an older ticket after a newer one, then each answers success and the newest ticket stays', async () => {
  const { appid, account } = await givenOpenPlatform(t);
  const newer = ticketMessage(appid, 'ticket@@@newer', now());
  const older = ticketMessage(appid, 'ticket@@@older', now() - 120);
  for (const m of [newer, newer, older]) {
    const res = await push(account, m);
    assert.equal(res.status, 200);
    assert.equal(res.text, 'success');
    assert.match(res.headers['content-type'], /^text\/plain/);
  }
  const ticket = await ticketOf(appid);
  assert.equal(ticket.created_at !== null && Date.parse(ticket.created_at) >= (now() - 5) * 1000, true, 'the newer ticket is kept');
  // A push of a kind partnerpay does not handle is acknowledged and ignored.
  const other = await push(account, pushXml({ AppId: appid, CreateTime: now(), InfoType: 'notify_third_fasteregister', info: 'x' }));
  assert.equal(other.text, 'success');
});

test('When the EncodingAESKey is rotated, then pushes under the new key and, for a while, the previous key are both accepted', async () => {
  const { appid, account } = await givenOpenPlatform(t);
  const rotated = 'ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut';
  const res = await request(t.http)
    .put(`/admin/v1/open-platforms/${appid}`)
    .set(...admin(t))
    .send({ name: 'Acme', encoding_aes_key: rotated });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.secrets.previous_encoding_aes_key_set, true);
  assert.equal((await push(account, ticketMessage(appid, 'ticket@@@old-key'))).status, 200);
  assert.equal((await push({ ...account, encoding_aes_key: rotated }, ticketMessage(appid, 'ticket@@@new-key', now() + 1))).status, 200);
});

test('When an open platform is registered with missing or malformed secrets, then 400 names each field and nothing is written', async () => {
  const appid = uniqueAppid();
  const missing = await request(t.http)
    .put(`/admin/v1/open-platforms/${appid}`)
    .set(...admin(t))
    .send({ name: 'Acme', token: 'abc123' });
  assert.equal(missing.status, 400);
  assert.deepEqual(missing.body.detail.fields.map((f: { field: string }) => f.field).sort(), ['component_appsecret', 'encoding_aes_key']);
  const malformed = await request(t.http)
    .put(`/admin/v1/open-platforms/${appid}`)
    .set(...admin(t))
    .send({ name: 'Acme', component_appsecret: 'short', token: 'a', encoding_aes_key: 'abcde' });
  assert.equal(malformed.status, 400);
  assert.deepEqual(malformed.body.detail.fields.map((f: { field: string }) => f.field).sort(), [
    'component_appsecret',
    'encoding_aes_key',
    'token',
  ]);
  assert.ok(!JSON.stringify(malformed.body).includes('abcde'), 'a rejected secret is not quoted back');
  const absent = await request(t.http)
    .get(`/admin/v1/open-platforms/${appid}`)
    .set(...admin(t));
  assert.equal(absent.status, 404);
  const badAppid = await request(t.http)
    .put('/admin/v1/open-platforms/not-an-appid')
    .set(...admin(t))
    .send({ name: 'Acme' });
  assert.equal(badAppid.status, 400);
});

test('When a link is asked for an unknown tenant or platform, or before any ticket, then 4xx/503 and WeChat is not asked', async () => {
  const { appid } = await givenOpenPlatform(t);
  const unknownTenant = await request(t.http)
    .post(`/admin/v1/open-platforms/${appid}/authorizations`)
    .set(...admin(t))
    .send({ tenant_id: 'ten_doesnotexist0000' });
  assert.equal(unknownTenant.status, 404);
  const tenant = await givenWechatTenant(t, provider);
  const unknownPlatform = await request(t.http)
    .post(`/admin/v1/open-platforms/${uniqueAppid()}/authorizations`)
    .set(...admin(t))
    .send({ tenant_id: tenant.id });
  assert.equal(unknownPlatform.status, 404);
  const noTicket = await request(t.http)
    .post(`/admin/v1/open-platforms/${appid}/authorizations`)
    .set(...admin(t))
    .send({ tenant_id: tenant.id });
  assert.equal(noTicket.status, 503, 'no ticket yet: a temporary refusal');
  assert.match(noTicket.body.message, /component_verify_ticket/);
});

test('When the redirect brings a code WeChat refuses, one of another platform, or no known link, then 400 and nothing is bound', async () => {
  const sim = simulatorOf(t);
  const mine = await givenOpenPlatform(t);
  const theirs = await givenOpenPlatform(t);
  await pushTicket(sim, mine.appid);
  await pushTicket(sim, theirs.appid);
  const tenant = await givenWechatTenant(t, provider);
  const link = await authorizationLink(t, mine.appid, tenant.id);
  const otherTenant = await givenWechatTenant(t, provider);
  const theirLink = await authorizationLink(t, theirs.appid, otherTenant.id);
  const theirCode = await sim.component.authorize({
    url: theirLink.authorization_url,
    authorizer_appid: uniqueAppid(),
    redirect: false,
    push: false,
  });

  const bogus = await request(t.http)
    .get(`/open-platform/${mine.appid}/authorized`)
    .query({ link: link.link_id, auth_code: 'queryauthcode@@@bogus', expires_in: '3600' });
  assert.equal(bogus.status, 400, bogus.text);
  assert.equal(bogus.body.detail.fields[0].field, 'auth_code');
  assert.equal(bogus.body.detail.fields[0].issue.includes('61009'), true);
  const foreign = await request(t.http)
    .get(`/open-platform/${mine.appid}/authorized`)
    .query({ link: link.link_id, auth_code: String(theirCode.auth_code) });
  assert.equal(foreign.status, 400, 'a code of another open platform is refused by WeChat for ours');
  const crossed = await request(t.http)
    .get(`/open-platform/${mine.appid}/authorized`)
    .query({ link: theirLink.link_id, auth_code: String(theirCode.auth_code) });
  assert.equal(crossed.status, 400, 'another platform’s link');
  assert.equal(crossed.body.detail.fields[0].field, 'link');
  const html = await request(t.http)
    .get(`/open-platform/${mine.appid}/authorized`)
    .set('Accept', 'text/html')
    .query({ link: link.link_id, auth_code: 'queryauthcode@@@bogus' });
  assert.equal(html.status, 400);
  assert.match(html.text, /<html/);
  const detail = await request(t.http)
    .get(`/admin/v1/open-platforms/${mine.appid}`)
    .set(...admin(t));
  assert.deepEqual(detail.body.authorizations, []);
});

test('When the tenant already has the AppID under another dev mode, then the authorisation is 409 and nothing is half-written', async () => {
  const sim = simulatorOf(t);
  const { appid } = await givenOpenPlatform(t);
  await pushTicket(sim, appid);
  const tenant = await givenWechatTenant(t, provider); // its own mini-program, outsourced
  const link = await authorizationLink(t, appid, tenant.id);
  const done = await sim.component.authorize({ url: link.authorization_url, authorizer_appid: tenant.appid });
  assert.equal((done.redirect as { status: number }).status, 409);
  assert.equal((done.push as { status: number }).status, 409);
  const detail = await request(t.http)
    .get(`/admin/v1/open-platforms/${appid}`)
    .set(...admin(t));
  assert.deepEqual(detail.body.authorizations, [], 'no authorisation row');
  const read = await request(t.http)
    .get(`/admin/v1/tenants/${tenant.id}`)
    .set(...admin(t));
  assert.deepEqual(
    read.body.apps.map((a: { appid: string; dev_mode: string }) => [a.appid, a.dev_mode]),
    [[tenant.appid, 'outsourced']],
  );
  assert.deepEqual(await eventsOf(t, tenant.auth, 'app.authorization_changed'), []);
});
