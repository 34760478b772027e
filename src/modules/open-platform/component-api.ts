import { Agent, request } from 'undici';
import type { Logger } from '../../platform/logging/logger';
import { AppError, type ConvertibleToAppError } from '../../platform/errors/errors';

/*
 * The open platform's calls to api.weixin.qq.com (spec wave3 §1.5-§1.8, wave2 §5.2). Tokens and
 * secrets travel in query strings and bodies, so no URL, query or body is ever logged: log lines
 * name the path and the outcome only. (Checkout's client for /sns/jscode2session is the same kind of
 * transport; the two can become one api.weixin.qq.com client once checkout's own changes settle.)
 */

/** WeChat answered `{errcode != 0, errmsg}` (errcode may come as a string: the doc's own example does). */
export class ComponentErrcodeError extends Error implements ConvertibleToAppError {
  constructor(
    readonly path: string,
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    super(`WeChat ${path} answered errcode ${errcode}: ${errmsg}`);
    this.name = 'ComponentErrcodeError';
  }

  toAppError(): AppError {
    return new AppError('UPSTREAM_ERROR', `WeChat's open platform refused ${this.path} (${this.errcode}); retry later`, {
      retryable: this.errcode === -1,
      upstream: { service: 'api.weixin.qq.com', errcode: this.errcode, errmsg: this.errmsg },
    });
  }
}

/** No usable answer: unreachable, timed out, or not WeChat's JSON. */
export class ComponentTransportError extends Error implements ConvertibleToAppError {
  constructor(
    readonly path: string,
    readonly kind: 'timeout' | 'network' | 'malformed',
  ) {
    super(`WeChat ${path}: ${kind}`);
    this.name = 'ComponentTransportError';
  }

  toAppError(): AppError {
    const detail = { retryable: true, upstream: { service: 'api.weixin.qq.com', kind: this.kind } };
    return this.kind === 'timeout'
      ? new AppError('UPSTREAM_TIMEOUT', "WeChat's open platform did not answer in time; retry", detail)
      : new AppError('UPSTREAM_ERROR', "WeChat's open platform could not be reached or answered nonsense; retry", detail);
  }
}

/** The errcodes that mean "this component_access_token is no good": compare-and-expire, fetch, retry once. */
export const TOKEN_EXPIRED_CODES = new Set([40001, 40014, 42001]);

export interface ComponentApiOptions {
  baseUrl: string;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
}

type Json = Record<string, unknown>;

/** The component endpoints partnerpay calls, each a thin method over one transport. */
export class ComponentApi {
  private readonly agent: Agent;
  private readonly base: URL;

  constructor(
    private readonly opts: ComponentApiOptions,
    private readonly logger?: Logger,
  ) {
    this.base = new URL(opts.baseUrl.replace(/\/+$/, '') + '/');
    this.agent = new Agent({ connect: { timeout: opts.connectTimeoutMs }, keepAliveTimeout: 10_000 });
  }

  /** api_component_token: a new component_access_token from the AppSecret and the latest ticket. */
  async componentToken(componentAppid: string, appsecret: string, ticket: string): Promise<{ token: string; expiresIn: number }> {
    const body = { component_appid: componentAppid, component_appsecret: appsecret, component_verify_ticket: ticket };
    const r = await this.call('POST', 'cgi-bin/component/api_component_token', {}, body);
    if (typeof r.component_access_token !== 'string' || typeof r.expires_in !== 'number')
      throw this.malformed('cgi-bin/component/api_component_token');
    return { token: r.component_access_token, expiresIn: r.expires_in };
  }

  /** api_create_preauthcode: a single-use code that starts one authorisation. */
  async createPreAuthCode(componentAppid: string, token: string): Promise<{ preAuthCode: string; expiresIn: number }> {
    const r = await this.call(
      'POST',
      'cgi-bin/component/api_create_preauthcode',
      { component_access_token: token },
      { component_appid: componentAppid },
    );
    if (typeof r.pre_auth_code !== 'string' || typeof r.expires_in !== 'number')
      throw this.malformed('cgi-bin/component/api_create_preauthcode');
    return { preAuthCode: r.pre_auth_code, expiresIn: r.expires_in };
  }

  /** api_query_auth: what an authorization code grants (the authorizer's AppID, tokens and permission sets). */
  async queryAuth(componentAppid: string, token: string, authorizationCode: string): Promise<QueriedAuthorization> {
    const path = 'cgi-bin/component/api_query_auth';
    const r = await this.call(
      'POST',
      path,
      { component_access_token: token },
      { component_appid: componentAppid, authorization_code: authorizationCode },
    );
    const info = r.authorization_info as Json | undefined;
    if (!info || typeof info.authorizer_appid !== 'string') throw this.malformed(path);
    const funcs = Array.isArray(info.func_info) ? (info.func_info as Json[]) : [];
    return {
      authorizerAppid: info.authorizer_appid,
      accessToken: typeof info.authorizer_access_token === 'string' ? info.authorizer_access_token : undefined,
      expiresIn: typeof info.expires_in === 'number' ? info.expires_in : undefined,
      refreshToken: typeof info.authorizer_refresh_token === 'string' ? info.authorizer_refresh_token : undefined,
      funcIds: funcs.map((f) => Number((f.funcscope_category as Json | undefined)?.id)).filter((n) => Number.isInteger(n)),
    };
  }

  /** /sns/component/jscode2session: the openid behind a wx.login code of an authorizer mini-program (no AppSecret). */
  async code2Session(componentAppid: string, token: string, appid: string, jsCode: string): Promise<{ openid: string; unionid?: string }> {
    const path = 'sns/component/jscode2session';
    const q = { appid, js_code: jsCode, grant_type: 'authorization_code', component_appid: componentAppid, component_access_token: token };
    const r = await this.call('GET', path, q);
    if (typeof r.openid !== 'string' || !r.openid) throw this.malformed(path);
    // session_key is dropped here: never returned, stored or logged.
    return { openid: r.openid, ...(typeof r.unionid === 'string' ? { unionid: r.unionid } : {}) };
  }

  private malformed(path: string): ComponentTransportError {
    return new ComponentTransportError(path, 'malformed');
  }

  private async call(method: 'GET' | 'POST', path: string, query: Record<string, string>, body?: Json): Promise<Json> {
    const url = new URL(path, this.base);
    url.search = new URLSearchParams(query).toString();
    let text: string;
    try {
      const res = await request(url, {
        method,
        dispatcher: this.agent,
        headersTimeout: this.opts.requestTimeoutMs,
        bodyTimeout: this.opts.requestTimeoutMs,
        headers: { accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      text = await res.body.text();
      if (res.statusCode >= 500) throw this.malformed(path);
    } catch (e) {
      if (e instanceof ComponentTransportError) throw e;
      const code = (e as { code?: string }).code ?? '';
      this.logger?.warn({ path: `/${path}`, code }, 'WeChat open platform unreachable');
      throw new ComponentTransportError(path, /TIMEOUT/.test(code) ? 'timeout' : 'network');
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw this.malformed(path);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw this.malformed(path);
    const r = parsed as Json;
    // The documentation's own example writes errcode as a string ("40029").
    const errcode =
      typeof r.errcode === 'number' ? r.errcode : typeof r.errcode === 'string' && /^-?\d+$/.test(r.errcode) ? Number(r.errcode) : 0;
    if (errcode !== 0) {
      this.logger?.info({ path: `/${path}`, errcode }, 'WeChat open platform refused a call');
      throw new ComponentErrcodeError(path, errcode, typeof r.errmsg === 'string' ? r.errmsg.slice(0, 200) : '');
    }
    return r;
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

/** What api_query_auth answers, in our names. */
export interface QueriedAuthorization {
  authorizerAppid: string;
  accessToken?: string;
  expiresIn?: number;
  refreshToken?: string;
  funcIds: number[];
}
