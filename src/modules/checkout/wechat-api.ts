import { Agent, request } from 'undici';
import type { Logger } from '../../platform/logging/logger';
import { WechatErrcodeError, WechatMalformedError, WechatTransportError } from './wechat-errors';

/** What the client needs from config.wechatApi. */
export interface WechatApiOptions {
  baseUrl: string;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
}

/** The buyer's identity for one mini-program; the session_key is deliberately not part of it. */
export interface WechatLogin {
  openid: string;
  unionid?: string;
}

/** The port the checkout uses (tests may bind another). */
export interface WechatApi {
  /** auth.code2Session: the openid behind a wx.login code for `appid`, checked with its AppSecret. */
  code2Session(appid: string, secret: string, jsCode: string): Promise<WechatLogin>;
  close(): Promise<void>;
}

/**
 * The client for api.weixin.qq.com on a keep-alive undici Agent, with connect and request timeouts.
 * jscode2session is GET-only and carries the AppSecret in its query string, so this client never logs
 * a URL, a query or a body; log lines name the path and the outcome only. The session_key is dropped
 * as soon as the answer is parsed: it is never returned, stored or logged.
 */
export class WechatApiClient implements WechatApi {
  private readonly agent: Agent;
  private readonly base: URL;

  constructor(
    private readonly opts: WechatApiOptions,
    private readonly logger?: Logger,
  ) {
    this.base = new URL(opts.baseUrl.replace(/\/+$/, '') + '/');
    this.agent = new Agent({ connect: { timeout: opts.connectTimeoutMs }, keepAliveTimeout: 10_000 });
  }

  async code2Session(appid: string, secret: string, jsCode: string): Promise<WechatLogin> {
    const url = new URL('sns/jscode2session', this.base);
    url.search = new URLSearchParams({ appid, secret, js_code: jsCode, grant_type: 'authorization_code' }).toString();
    const body = await this.getJson(url, '/sns/jscode2session');
    const errcode = typeof body.errcode === 'number' ? body.errcode : 0;
    if (errcode !== 0) {
      this.logger?.info({ path: '/sns/jscode2session', appid, errcode }, 'WeChat login refused');
      throw new WechatErrcodeError(errcode, typeof body.errmsg === 'string' ? body.errmsg.slice(0, 200) : '');
    }
    if (typeof body.openid !== 'string' || !body.openid) throw new WechatMalformedError('jscode2session answered no openid');
    return { openid: body.openid, ...(typeof body.unionid === 'string' ? { unionid: body.unionid } : {}) };
  }

  private async getJson(url: URL, path: string): Promise<Record<string, unknown>> {
    let text: string;
    try {
      const res = await request(url, {
        method: 'GET',
        dispatcher: this.agent,
        headersTimeout: this.opts.requestTimeoutMs,
        bodyTimeout: this.opts.requestTimeoutMs,
        headers: { accept: 'application/json' },
      });
      text = await res.body.text();
      if (res.statusCode >= 500) throw new WechatMalformedError(`WeChat answered HTTP ${res.statusCode}`);
    } catch (e) {
      if (e instanceof WechatMalformedError) throw e;
      const code = (e as { code?: string }).code ?? '';
      const timeout = /TIMEOUT/.test(code);
      // Only the path and the error code: the URL holds the AppSecret.
      this.logger?.warn({ path, code }, 'WeChat API unreachable');
      throw new WechatTransportError(timeout ? 'timeout' : 'network', `WeChat API ${path} failed: ${code || 'network error'}`);
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // fall through
    }
    throw new WechatMalformedError(`WeChat API ${path} answered something other than a JSON object`);
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
