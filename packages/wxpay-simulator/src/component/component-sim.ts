import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import type { Clock, WxpayLogger as Logger } from '@partnerpay/wxpay';
import { ControlError } from '../errors';
import { wechatError, type LoginSimulator } from '../login';
import type { SimScheduler } from '../scheduler';
import { ComponentState, type ComponentAccount, type ComponentSettings, type Push } from './component-state';
import { ComponentPusher } from './pusher';
import { transient } from '../persistence';

export const COMPONENT_TOKEN_TTL_S = 7200;
export const TICKET_TTL_MS = 12 * 3600_000;
export const PRE_AUTH_CODE_TTL_S = 600;
export const AUTH_CODE_TTL_S = 3600;
/** The permission sets an authorisation grants unless told otherwise (17 = 小程序开发管理; illustrative). */
const DEFAULT_FUNC_IDS = [17, 18, 19];

const rand = (n: number) => randomBytes(n).toString('base64url');
const DEFAULT_SETTINGS: ComponentSettings = {
  invalidate_old_tokens: false,
  errcode_as_string: false,
  ip_blocked: false,
  quota_exceeded: false,
  single_use_auth_codes: false,
};

/** What creating a component account takes; missing secrets are generated, as WeChat does when the platform is created. */
export interface ComponentInput {
  component_appid?: string;
  component_appsecret?: string;
  token?: string;
  encoding_aes_key?: string;
  events_url: string;
  push_interval_seconds?: number;
}

/** Completing the authorisation page: which pre_auth_code (or the page URL) and which mini-program says yes. */
export interface AuthorizeInput {
  pre_auth_code?: string;
  url?: string;
  authorizer_appid: string;
  func_ids?: number[];
  /** Push `authorized`/`updateauthorized` (default true). */
  push?: boolean;
  /** Follow the redirect to redirect_uri, as the owner's browser would (control API only; default true). */
  redirect?: boolean;
}

/**
 * The simulated open platform: component accounts with their tickets and tokens, the authorisation
 * page and its codes, authorizer tokens, the component variant of jscode2session, and WeChat's
 * pushes (tickets on a timer and on demand, authorisation events). Wall-clock times (token and code
 * expiry) use the simulator's clock; the ticket timer runs on its timeline.
 */
export class ComponentSimulator {
  readonly state = new ComponentState();
  private readonly pusher: ComponentPusher;
  /** The pending ticket task of each account (ids of SimScheduler tasks). */
  private readonly timers = transient(new Map<string, number>());

  constructor(
    private readonly clock: Clock,
    private readonly scheduler: SimScheduler,
    private readonly login: LoginSimulator,
    private readonly logger?: Logger,
  ) {
    this.pusher = new ComponentPusher(this.state, clock, logger);
    scheduler.handle<{ account: ComponentAccount }>('component.ticket', async ({ account }) => {
      // A replaced or removed account's chain ends here.
      if (this.state.accounts.get(account.component_appid) !== account) return;
      await this.pushTicket(account.component_appid).catch((err: unknown) => this.logger?.warn({ err }, 'simulator: ticket push failed'));
      this.timers.set(account.component_appid, this.scheduler.schedule('component.ticket', account.push_interval_ms, { account }));
    });
  }

  // ---- control ---------------------------------------------------------------------------------

  /** Creates (or replaces) a component account; answers it with its secrets, as the platform's console shows them. */
  createComponent(input: ComponentInput): ComponentAccount {
    const appid = input.component_appid ?? `wx${randomBytes(8).toString('hex')}`;
    const before = this.state.accounts.get(appid);
    const account: ComponentAccount = {
      component_appid: appid,
      component_appsecret: input.component_appsecret ?? randomBytes(16).toString('hex'),
      token: input.token ?? rand(24).replace(/[-_]/g, 'x').slice(0, 32),
      encoding_aes_key: input.encoding_aes_key ?? randomBytes(40).toString('base64').replace(/[+/=]/g, '').slice(0, 43),
      events_url: input.events_url,
      push_interval_ms: (input.push_interval_seconds ?? 600) * 1000,
      tickets: before?.tickets ?? {},
      tokens: before?.tokens ?? {},
      settings: before?.settings ?? { ...DEFAULT_SETTINGS },
    };
    this.state.accounts.set(appid, account);
    this.scheduleTickets(account);
    return account;
  }

  /** Changes a component's fault switches; answers the settings now in force. */
  configure(componentAppid: string, settings: Partial<ComponentSettings>): ComponentSettings {
    const account = this.account(componentAppid);
    Object.assign(account.settings, settings);
    return account.settings;
  }

  /** Pushes a fresh component_verify_ticket now (as WeChat does every 10 minutes). */
  async pushTicket(componentAppid: string): Promise<Push & { ticket: string }> {
    const account = this.account(componentAppid);
    const ticket = `ticket@@@${rand(32)}`;
    account.tickets[ticket] = this.clock.now();
    for (const [t, at] of Object.entries(account.tickets)) if (this.clock.now() - at > TICKET_TTL_MS * 2) delete account.tickets[t];
    return { ...(await this.pusher.push(account, 'component_verify_ticket', { ComponentVerifyTicket: ticket })), ticket };
  }

  /** Makes every token issued so far fail: `expired` answers 42001, `revoked` 40001 (a token fetched elsewhere). */
  expireTokens(componentAppid: string, mode: 'expired' | 'revoked'): { tokens: number } {
    const account = this.account(componentAppid);
    for (const t of Object.values(account.tokens)) {
      if (mode === 'expired') t.expires_at = Math.min(t.expires_at, this.clock.now());
      else t.revoked = true;
    }
    return { tokens: Object.keys(account.tokens).length };
  }

  /**
   * The owner confirms on the authorisation page: a new authorisation (or a re-authorisation) is
   * pushed as `authorized`, a changed permission set as `updateauthorized`; the redirect carries the
   * same authorization code. With `redirect`, the simulator follows it as the owner's browser would.
   */
  async authorize(input: AuthorizeInput, redirectUri?: string): Promise<Record<string, unknown>> {
    const page = input.url ? new URL(input.url) : undefined;
    const code = input.pre_auth_code ?? page?.searchParams.get('pre_auth_code') ?? '';
    const target = redirectUri ?? page?.searchParams.get('redirect_uri') ?? undefined;
    const pre = this.state.preAuthCodes.get(code);
    if (!pre)
      throw new ControlError(
        400,
        'PARAM_ERROR',
        'pre_auth_code is unknown (give the authorisation URL partnerpay answered, or its pre_auth_code)',
      );
    if (pre.used) throw new ControlError(400, 'PARAM_ERROR', 'pre_auth_code was used already (请检查是否重复使用pre_auth_code)');
    if (this.clock.now() >= pre.expires_at) throw new ControlError(400, 'PARAM_ERROR', 'pre_auth_code has expired');
    if (!/^wx[0-9a-z]{16}$/.test(input.authorizer_appid)) throw new ControlError(400, 'PARAM_ERROR', 'authorizer_appid must be an AppID');
    const account = this.account(pre.component_appid);
    pre.used = true;
    const funcIds = [...(input.func_ids ?? DEFAULT_FUNC_IDS)].sort((a, b) => a - b);
    const existing = this.state.authorization(account.component_appid, input.authorizer_appid);
    let infoType: string | undefined = 'authorized';
    if (existing?.state === 'authorized') infoType = existing.func_ids.join() === funcIds.join() ? undefined : 'updateauthorized';
    this.state.putAuthorization({
      component_appid: account.component_appid,
      authorizer_appid: input.authorizer_appid,
      state: 'authorized',
      func_ids: funcIds,
      // A re-authorisation issues a new refresh token; an update keeps it.
      refresh_token: existing?.state === 'authorized' ? existing.refresh_token : `refreshtoken@@@${rand(24)}`,
      access_tokens: existing?.access_tokens ?? {},
      auth_time: Math.floor(this.clock.now() / 1000),
    });
    const authCode = `queryauthcode@@@${rand(32)}`;
    const expiresAt = this.clock.now() + AUTH_CODE_TTL_S * 1000;
    this.state.authCodes.set(authCode, {
      code: authCode,
      component_appid: account.component_appid,
      authorizer_appid: input.authorizer_appid,
      expires_at: expiresAt,
      used: false,
    });
    const redirectUrl = target ? withQuery(target, { auth_code: authCode, expires_in: String(AUTH_CODE_TTL_S) }) : undefined;
    const [push, redirect] = await Promise.all([
      input.push !== false && infoType
        ? this.pusher.push(account, infoType, {
            AuthorizerAppid: input.authorizer_appid,
            AuthorizationCode: authCode,
            AuthorizationCodeExpiredTime: Math.floor(expiresAt / 1000),
            PreAuthCode: pre.code,
          })
        : undefined,
      input.redirect !== false && redirectUrl ? follow(redirectUrl) : undefined,
    ]);
    return {
      authorizer_appid: input.authorizer_appid,
      info_type: infoType ?? null,
      auth_code: authCode,
      redirect_url: redirectUrl ?? null,
      push: push ?? null,
      redirect: redirect ?? null,
    };
  }

  /** The owner withdraws the authorisation: the refresh token dies, component login answers 61003, `unauthorized` is pushed. */
  async unauthorize(r: { component_appid: string; authorizer_appid: string; push?: boolean }): Promise<Record<string, unknown>> {
    const account = this.account(r.component_appid);
    const a = this.state.authorization(r.component_appid, r.authorizer_appid);
    if (!a || a.state !== 'authorized')
      throw new ControlError(404, 'RESOURCE_NOT_EXISTS', `${r.authorizer_appid} has not authorised ${r.component_appid}`);
    a.state = 'unauthorized';
    a.refresh_token = '';
    a.access_tokens = {};
    const push = r.push === false ? null : await this.pusher.push(account, 'unauthorized', { AuthorizerAppid: r.authorizer_appid });
    return { authorizer_appid: r.authorizer_appid, state: a.state, push };
  }

  /** The accounts, without their secrets' history. */
  accounts(): Array<Record<string, unknown>> {
    return [...this.state.accounts.values()].map((a) => ({
      component_appid: a.component_appid,
      events_url: a.events_url,
      push_interval_seconds: a.push_interval_ms / 1000,
      tickets: Object.keys(a.tickets).length,
      tokens: Object.keys(a.tokens).length,
      settings: a.settings,
      authorizations: [...this.state.authorizations.values()]
        .filter((x) => x.component_appid === a.component_appid)
        .map((x) => ({ authorizer_appid: x.authorizer_appid, state: x.state, func_ids: x.func_ids })),
    }));
  }

  /** Forgets the ticket tasks' ids (the scheduler stops running them; they stay in the state for a restart). */
  stop(): void {
    this.timers.clear();
  }

  // ---- helpers for the API (component-api.ts) ---------------------------------------------------

  /** The account, or a control error. */
  account(componentAppid: string): ComponentAccount {
    const a = this.state.accounts.get(componentAppid);
    if (!a)
      throw new ControlError(
        404,
        'RESOURCE_NOT_EXISTS',
        `component ${componentAppid} is not registered (POST /control/open-platform/components)`,
      );
    return a;
  }

  /** WeChat's `{errcode, errmsg}`, with errcode as a string when the account asks for it; recorded in the call log. */
  error(path: string, account: ComponentAccount | undefined, errcode: number): Record<string, unknown> {
    this.record(path, account?.component_appid, errcode);
    const body = wechatError(errcode);
    return account?.settings.errcode_as_string ? { ...body, errcode: String(errcode) } : body;
  }

  /** Records one call (0 = success). */
  record(path: string, componentAppid: string | undefined, errcode = 0): void {
    ComponentState.log(this.state.calls, {
      path,
      ...(componentAppid ? { component_appid: componentAppid } : {}),
      errcode,
      at: this.clock.now(),
    });
  }

  /** The login code pool shared with /sns/jscode2session. */
  redeemLogin(appid: string, jsCode: string): Record<string, unknown> {
    return this.login.redeem(appid, jsCode);
  }

  private scheduleTickets(account: ComponentAccount): void {
    this.scheduler.cancel(this.timers.get(account.component_appid));
    this.timers.set(account.component_appid, this.scheduler.schedule('component.ticket', account.push_interval_ms, { account }));
  }
}

function withQuery(url: string, params: Record<string, string>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

/** GET `url` as a browser following WeChat's redirect would (asking for JSON); answers the status and body (status 0 when unreachable). */
async function follow(url: string): Promise<{ url: string; status: number; body: unknown }> {
  try {
    const res = await request(url, { method: 'GET', headers: { accept: 'application/json' }, headersTimeout: 10_000, bodyTimeout: 10_000 });
    const text = (await res.body.text()).slice(0, 4000);
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { url, status: res.statusCode, body };
  } catch (err) {
    return { url, status: 0, body: (err as Error).message };
  }
}
