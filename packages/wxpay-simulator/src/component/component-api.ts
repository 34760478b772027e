import express, { type Request, type Response, type Router } from 'express';
import { randomBytes } from 'node:crypto';
import type { Clock } from '@partnerpay/wxpay';
import type { ComponentAccount } from './component-state';
import { COMPONENT_TOKEN_TTL_S, PRE_AUTH_CODE_TTL_S, TICKET_TTL_MS, type ComponentSimulator } from './component-sim';
import { authorizationPage } from './authorization-page';

type Json = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : '');

/**
 * The open platform's side of api.weixin.qq.com (spec wave3 §1.5-§1.8), served beside the pay API
 * so that WECHAT_API_BASE_URL can point at the simulator: every answer is HTTP 200 with JSON, errors
 * as `{errcode, errmsg}`, exactly as WeChat answers. Also the authorisation page of mp.weixin.qq.com.
 */
export function componentApiRouter(sim: ComponentSimulator, clock: Clock): Router {
  const r = express.Router();
  const json = express.json({ type: () => true, limit: '64kb' });
  const post = (path: string, handle: (body: Json, req: Request) => Json) =>
    r.post(`/cgi-bin/component/${path}`, json, (req: Request, res: Response) => {
      const body = req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Json) : undefined;
      res.json(body ? handle(body, req) : { errcode: 47001, errmsg: 'data format error' });
    });
  // A component API with the token in the query (`component_access_token`, or `access_token` in the newer docs).
  const withToken = (path: string, handle: (account: ComponentAccount, body: Json) => Json) =>
    post(path, (body, req) => {
      const owner = tokenOwner(sim, clock, path, req.query as Json);
      if ('error' in owner) return owner.error;
      const checked = owner.account;
      if (str(body.component_appid) !== checked.component_appid) return sim.error(path, checked, 40094);
      if (checked.settings.ip_blocked) return sim.error(path, checked, 40090);
      if (checked.settings.quota_exceeded) return sim.error(path, checked, 45009);
      return handle(checked, body);
    });

  post('api_component_token', (b) => {
    const path = 'api_component_token';
    const account = sim.state.accounts.get(str(b.component_appid));
    if (!account) return sim.error(path, undefined, b.component_appid ? 61011 : 40013);
    if (!b.component_appsecret) return sim.error(path, account, 41004);
    if (b.component_appsecret !== account.component_appsecret) return sim.error(path, account, 40125);
    if (account.settings.ip_blocked) return sim.error(path, account, 61004);
    if (account.settings.quota_exceeded) return sim.error(path, account, 45009);
    const issued = account.tickets[str(b.component_verify_ticket)];
    if (issued === undefined) return sim.error(path, account, 61006);
    if (clock.now() - issued > TICKET_TTL_MS) return sim.error(path, account, 61005);
    const token = `${randomBytes(6).toString('hex')}_${randomBytes(48).toString('base64url')}`;
    if (account.settings.invalidate_old_tokens) for (const t of Object.values(account.tokens)) t.revoked = true;
    for (const [t, v] of Object.entries(account.tokens)) if (v.expires_at < clock.now() - 86_400_000) delete account.tokens[t];
    account.tokens[token] = { expires_at: clock.now() + COMPONENT_TOKEN_TTL_S * 1000, revoked: false };
    sim.record(path, account.component_appid);
    return { component_access_token: token, expires_in: COMPONENT_TOKEN_TTL_S };
  });

  post('api_start_push_ticket', (b) => {
    const path = 'api_start_push_ticket';
    const account = sim.state.accounts.get(str(b.component_appid));
    if (!account) return sim.error(path, undefined, 61011);
    if (b.component_secret !== account.component_appsecret) return sim.error(path, account, 40125);
    sim.record(path, account.component_appid);
    void sim.pushTicket(account.component_appid).catch(() => undefined);
    return { errcode: 0, errmsg: 'ok' };
  });

  withToken('api_create_preauthcode', (account) => {
    const code = `preauthcode@@@${randomBytes(32).toString('base64url')}`;
    sim.state.preAuthCodes.set(code, {
      code,
      component_appid: account.component_appid,
      expires_at: clock.now() + PRE_AUTH_CODE_TTL_S * 1000,
      used: false,
    });
    sim.record('api_create_preauthcode', account.component_appid);
    return { pre_auth_code: code, expires_in: PRE_AUTH_CODE_TTL_S };
  });

  withToken('api_query_auth', (account, b) => {
    const path = 'api_query_auth';
    const code = sim.state.authCodes.get(str(b.authorization_code));
    // A code of another component is as unknown to this one as a made-up code.
    if (!code || code.component_appid !== account.component_appid) return sim.error(path, account, 61009);
    if (clock.now() >= code.expires_at || (code.used && account.settings.single_use_auth_codes)) return sim.error(path, account, 61010);
    code.used = true;
    const a = sim.state.authorization(account.component_appid, code.authorizer_appid)!;
    if (a.state !== 'authorized') return sim.error(path, account, 61010);
    const accessToken = `${randomBytes(6).toString('hex')}_${randomBytes(36).toString('base64url')}`;
    a.access_tokens[accessToken] = clock.now() + COMPONENT_TOKEN_TTL_S * 1000;
    sim.record(path, account.component_appid);
    return {
      authorization_info: {
        authorizer_appid: a.authorizer_appid,
        authorizer_access_token: accessToken,
        expires_in: COMPONENT_TOKEN_TTL_S,
        authorizer_refresh_token: a.refresh_token,
        func_info: a.func_ids.map((id) => ({
          funcscope_category: { id },
          confirm_info: { need_confirm: 0, already_confirm: 0, can_confirm: 0 },
        })),
      },
    };
  });

  withToken('api_authorizer_token', (account, b) => {
    const path = 'api_authorizer_token';
    const a = sim.state.authorization(account.component_appid, str(b.authorizer_appid));
    if (!a || a.state !== 'authorized' || !b.authorizer_refresh_token || b.authorizer_refresh_token !== a.refresh_token)
      return sim.error(path, account, 61023);
    const accessToken = `${randomBytes(6).toString('hex')}_${randomBytes(36).toString('base64url')}`;
    a.access_tokens[accessToken] = clock.now() + COMPONENT_TOKEN_TTL_S * 1000;
    sim.record(path, account.component_appid);
    return { authorizer_access_token: accessToken, expires_in: COMPONENT_TOKEN_TTL_S, authorizer_refresh_token: a.refresh_token };
  });

  withToken('api_get_authorizer_list', (account, b) => {
    const offset = Number(b.offset ?? 0);
    const count = Number(b.count ?? 0);
    if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(count) || count < 1 || count > 500)
      return sim.error('api_get_authorizer_list', account, 40097);
    const all = [...sim.state.authorizations.values()].filter(
      (a) => a.component_appid === account.component_appid && a.state === 'authorized',
    );
    sim.record('api_get_authorizer_list', account.component_appid);
    return {
      total_count: all.length,
      list: all
        .slice(offset, offset + count)
        .map((a) => ({ authorizer_appid: a.authorizer_appid, refresh_token: a.refresh_token, auth_time: a.auth_time })),
    };
  });

  // The component variant of mini-program login: no secret; the component's token and the authorisation decide.
  r.get('/sns/component/jscode2session', (req: Request, res: Response) => {
    const path = 'sns/component/jscode2session';
    const q = req.query as Json;
    const owner = tokenOwner(sim, clock, path, q);
    if ('error' in owner) return void res.json(owner.error);
    const checked = owner.account;
    if (str(q.component_appid) !== checked.component_appid) return void res.json(sim.error(path, checked, 40094));
    if (checked.settings.ip_blocked) return void res.json(sim.error(path, checked, 40090));
    if (!q.appid) return void res.json(sim.error(path, checked, 41002));
    if (!q.js_code) return void res.json(sim.error(path, checked, 41008));
    if (sim.state.authorization(checked.component_appid, str(q.appid))?.state !== 'authorized')
      return void res.json(sim.error(path, checked, 61003));
    const answer = sim.redeemLogin(str(q.appid), str(q.js_code));
    sim.record(path, checked.component_appid, typeof answer.errcode === 'number' ? answer.errcode : 0);
    res.json(
      checked.settings.errcode_as_string && typeof answer.errcode === 'number' ? { ...answer, errcode: String(answer.errcode) } : answer,
    );
  });
  r.get('/cgi-bin/componentloginpage', authorizationPage(sim));
  r.get('/safe/bindcomponent', authorizationPage(sim));
  return r;
}

/** The account whose component_access_token the query carries (either name), or WeChat's error. */
function tokenOwner(sim: ComponentSimulator, clock: Clock, path: string, q: Json): { account: ComponentAccount } | { error: Json } {
  const token = str(q.component_access_token) || str(q.access_token);
  if (!token) return { error: sim.error(path, undefined, 41001) };
  for (const account of sim.state.accounts.values()) {
    const t = account.tokens[token];
    if (!t) continue;
    if (t.revoked) return { error: sim.error(path, account, 40001) };
    if (clock.now() >= t.expires_at) return { error: sim.error(path, account, 42001) };
    return { account };
  }
  return { error: sim.error(path, undefined, 40001) };
}
