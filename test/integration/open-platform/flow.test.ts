import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { admin, rsaPems, uniqueAppid } from '../../support/tenancy';
import { givenWechatProvider, givenWechatTenant, orderBody, simulatorOf, type Provider } from '../../support/payments';
import { anOpenid, loginCode, orderAwaitingBuyer, pay } from '../checkout/support';
import { authorizationLink, componentCalls, eventsOf, givenOpenPlatform, pushTicket } from './support';

let t: TestApp;
let provider: Provider;

before(async () => {
  t = await startTestApp({ checkout: { perAddressPerMinute: 10_000, perOrderPerMinute: 100, wrongSecretsPerAddressPerMinute: 10_000 } });
  provider = await givenWechatProvider(t, rsaPems());
});
after(() => t.close());

test('When an ISV registers its open platform, then no secret is echoed and the ticket is awaited, then kept once pushed', async () => {
  const sim = simulatorOf(t);
  const { appid, account } = await givenOpenPlatform(t);
  const first = await request(t.http)
    .get(`/admin/v1/open-platforms/${appid}`)
    .set(...admin(t));
  assert.equal(first.status, 200);
  const text = JSON.stringify(first.body);
  for (const secret of [account.component_appsecret, account.token, account.encoding_aes_key])
    assert.ok(!text.includes(secret), 'no secret in the answer');
  assert.equal(first.body.events_url, `${t.baseUrl}/open-platform/${appid}/events`);
  assert.equal(first.body.ticket.received, false);
  assert.deepEqual(first.body.authorizations, []);

  await pushTicket(sim, appid);
  const after = await request(t.http)
    .get(`/admin/v1/open-platforms/${appid}`)
    .set(...admin(t));
  assert.equal(after.body.ticket.received, true);
  assert.equal(after.body.ticket.stale, false);
  assert.ok(after.body.ticket.age_seconds < 60);
  assert.equal(after.body.access_token.present, false, 'the token is fetched when first needed, not on every push');
  const list = await request(t.http)
    .get('/admin/v1/open-platforms')
    .set(...admin(t));
  assert.ok(list.body.data.some((a: { component_appid: string }) => a.component_appid === appid));
  const audit = await request(t.http)
    .get('/admin/v1/audit-log')
    .query({ target: `open_platform:${appid}` })
    .set(...admin(t));
  assert.equal(audit.body.data[0].action, 'open_platform.create');
  for (const secret of [account.component_appsecret, account.token, account.encoding_aes_key])
    assert.ok(!JSON.stringify(audit.body).includes(secret));
});

test('When a shop authorises, pays through checkout and withdraws, then the AppID is bound, pays without an AppSecret, then refuses new business', async () => {
  const sim = simulatorOf(t);
  const { appid: component } = await givenOpenPlatform(t);
  await pushTicket(sim, component);
  const tenant = await givenWechatTenant(t, provider);
  const miniProgram = uniqueAppid();

  // The operator asks for the link; the owner's landing page leads to WeChat's authorisation page.
  const link = await authorizationLink(t, component, tenant.id);
  assert.match(link.url, new RegExp(`^${t.baseUrl}/open-platform/${component}/authorize/opl_`));
  assert.ok(Date.parse(link.expires_at) > Date.now());
  const landing = await request(t.http).get(new URL(link.url).pathname);
  assert.equal(landing.status, 200);
  assert.match(landing.headers['content-type'], /text\/html/);
  assert.ok(landing.text.includes(link.authorization_url.replace(/&/g, '&#38;')), 'the page links to WeChat’s authorisation page');
  const authUrl = new URL(link.authorization_url);
  assert.equal(authUrl.searchParams.get('auth_type'), '2');
  assert.equal(authUrl.searchParams.get('redirect_uri'), `${t.baseUrl}/open-platform/${component}/authorized?link=${link.link_id}`);

  // The owner confirms: WeChat pushes `authorized` and redirects the browser, at the same moment.
  const done = await sim.component.authorize({ url: link.authorization_url, authorizer_appid: miniProgram });
  assert.equal((done.push as { ok: boolean }).ok, true, JSON.stringify(done.push));
  const redirect = done.redirect as { status: number; body: { authorization: Record<string, unknown> } };
  assert.equal(redirect.status, 200, JSON.stringify(redirect.body));
  assert.deepEqual(
    { ...redirect.body.authorization, authorized_at: undefined, updated_at: undefined },
    {
      component_appid: component,
      authorizer_appid: miniProgram,
      tenant_id: tenant.id,
      state: 'authorized',
      authorized: true,
      func_info: [17, 18, 19],
      authorized_at: undefined,
      unauthorized_at: null,
      updated_at: undefined,
    },
  );
  const bound = await request(t.http)
    .get(`/admin/v1/tenants/${tenant.id}`)
    .set(...admin(t));
  const app = bound.body.apps.find((a: { appid: string }) => a.appid === miniProgram);
  assert.deepEqual(app, { appid: miniProgram, type: 'miniprogram', dev_mode: 'third_party', authorized: true, app_secret_set: false });
  const changed = await eventsOf(t, tenant.auth, 'app.authorization_changed');
  assert.equal(changed.length, 1, 'the redirect and the push applied once');
  assert.deepEqual(
    { ...changed[0].data, changed_at: undefined },
    {
      appid: miniProgram,
      dev_mode: 'third_party',
      component_appid: component,
      authorized: true,
      change: 'authorized',
      func_info: [17, 18, 19],
      changed_at: undefined,
    },
  );
  // The browser coming back again with the same code changes nothing and asks WeChat nothing.
  const queries = componentCalls(sim, 'api_query_auth', component);
  const again = await request(t.http).get(new URL(String(done.redirect_url)).pathname + new URL(String(done.redirect_url)).search);
  assert.equal(again.status, 200);
  assert.equal(componentCalls(sim, 'api_query_auth', component), queries);
  const detail = await request(t.http)
    .get(`/admin/v1/open-platforms/${component}`)
    .set(...admin(t));
  assert.equal(detail.body.authorizations.length, 1);
  assert.equal(detail.body.access_token.present, true);

  // The ISV binds the sub_appid at WeChat Pay (服务商平台 → 特约商户APPID配置, an operator task).
  sim.registerSubMerchant({ sp_mchid: provider.spMchid, sub_mchid: tenant.subMchid, appids: [tenant.appid, miniProgram] });
  const third = { ...tenant, appid: miniProgram };
  const order = await orderAwaitingBuyer(t, third);
  const buyer = anOpenid();
  const tokenFetches = componentCalls(sim, 'api_component_token', component);
  const paid = await pay(t, order.id, { client_secret: order.client_secret, code: loginCode(t, miniProgram, buyer) });
  assert.equal(paid.status, 200, JSON.stringify(paid.body));
  assert.equal(paid.body.payment.appId, miniProgram, 'wx.requestPayment is signed for the shop’s own mini-program');
  assert.equal(componentCalls(sim, 'sns/component/jscode2session', component), 1, 'the buyer was logged in through the component API');
  assert.equal(componentCalls(sim, 'api_component_token', component), tokenFetches, 'with the token already held: no fetch per request');
  const jsapi = sim
    .calls()
    .find(
      (c) => c.path === '/v3/pay/partner/transactions/jsapi' && (c.body as { out_trade_no?: string }).out_trade_no === order.out_trade_no,
    );
  assert.deepEqual(
    [(jsapi?.body as { sub_appid: string }).sub_appid, (jsapi?.body as { payer: unknown }).payer],
    [miniProgram, { sub_openid: buyer }],
  );
  await sim.pay({ sp_mchid: provider.spMchid, sub_mchid: tenant.subMchid, out_trade_no: order.out_trade_no });
  // An unpaid order with its buyer, made before the withdrawal.
  const pending = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(orderBody(third));
  assert.equal(pending.status, 201, JSON.stringify(pending.body));
  const awaiting = await orderAwaitingBuyer(t, third);

  // The owner withdraws: the push arrives, and the AppID takes no new orders, payments or logins.
  const gone = await sim.component.unauthorize({ component_appid: component, authorizer_appid: miniProgram });
  assert.equal((gone.push as { ok: boolean }).ok, true);
  const afterWithdrawal = await request(t.http)
    .get(`/admin/v1/tenants/${tenant.id}`)
    .set(...admin(t));
  assert.equal(afterWithdrawal.body.apps.find((a: { appid: string }) => a.appid === miniProgram).authorized, false);
  const refusedOrder = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(orderBody(third));
  assert.equal(refusedOrder.status, 422);
  assert.equal(refusedOrder.body.code, 'APP_NOT_AUTHORIZED');
  const refusedPayment = await request(t.http)
    .post(`/v1/orders/${pending.body.order.out_trade_no}/payment`)
    .set(...tenant.auth);
  assert.equal(refusedPayment.body.code, 'APP_NOT_AUTHORIZED');
  const refusedLogin = await pay(t, awaiting.id, { client_secret: awaiting.client_secret, code: loginCode(t, miniProgram, anOpenid()) });
  assert.equal(refusedLogin.status, 422);
  assert.equal(refusedLogin.body.code, 'APP_NOT_AUTHORIZED');
  // The tenant's own AppID is untouched, and the paid order stays refundable.
  const ownOrder = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(orderBody(tenant));
  assert.equal(ownOrder.status, 201);
  const refund = await request(t.http)
    .post('/v1/refunds')
    .set(...tenant.auth)
    .send({ out_trade_no: order.out_trade_no, out_refund_no: `R${order.out_trade_no}`.slice(0, 32), amount: { refund: 50 } });
  assert.ok([200, 201].includes(refund.status), JSON.stringify(refund.body));

  const events = await eventsOf(t, tenant.auth, 'app.authorization_changed');
  assert.deepEqual(
    events.map((e) => [e.data.change, e.data.authorized]),
    [
      ['authorized', true],
      ['unauthorized', false],
    ],
  );
  const compliance = await request(t.http)
    .get(`/admin/v1/tenants/${tenant.id}/compliance`)
    .set(...admin(t));
  const reported = compliance.body.apps.find((a: { appid: string }) => a.appid === miniProgram);
  assert.equal(reported.authorized, false);
  assert.equal(reported.open_platform.state, 'unauthorized');
  assert.equal(reported.open_platform.component_appid, component);

  // The owner authorises again through a new link: the same binding is authorized again, once.
  const relink = await authorizationLink(t, component, tenant.id);
  const back = await sim.component.authorize({ url: relink.authorization_url, authorizer_appid: miniProgram });
  assert.equal((back.redirect as { status: number }).status, 200);
  const reauthorized = await request(t.http)
    .post('/v1/orders')
    .set(...tenant.auth)
    .send(orderBody(third));
  assert.equal(reauthorized.status, 201, JSON.stringify(reauthorized.body));
  assert.equal((await eventsOf(t, tenant.auth, 'app.authorization_changed')).length, 3);
});
