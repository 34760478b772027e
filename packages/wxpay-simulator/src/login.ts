import { randomBytes } from 'node:crypto';
import type { Clock } from '@partnerpay/wxpay';
import { ControlError } from './errors';

/** A wx.login code lives 5 minutes and works once (spec §5.1). */
export const LOGIN_CODE_TTL_MS = 300_000;
/** The errcodes a code can be made to answer (injected faults, spec §5.4). */
export const INJECTABLE_ERRCODES = [-1, 40029, 40163, 45011, 40226] as const;

interface IssuedCode {
  appid: string;
  openid: string;
  unionid?: string;
  expiresAt: number;
  used: boolean;
  errcode?: number;
}

const ERRMSG: Record<number, string> = {
  [-1]: 'system error',
  40013: 'invalid appid',
  40029: 'invalid code',
  40125: 'invalid appsecret',
  40163: 'code been used',
  41002: 'appid missing',
  41004: 'appsecret missing',
  41008: 'missing code',
  45011: 'api minute-quota reach limit  mustslower  retry next minute',
  40226: 'code blocked',
  40001: 'invalid credential, access_token is invalid or not latest',
  40094: 'invalid component credential',
  41001: 'access_token missing',
  42001: 'access_token expired',
  45009: 'reach max api daily quota limit',
  61003: 'component is not authorized by this account',
  61004: 'access clientip is not registered',
  61005: 'component ticket is expired',
  61006: 'component ticket is invalid',
  61009: 'code is invalid',
  61010: 'code is expired',
  61011: 'invalid component',
  61023: 'refresh_token is invalid',
  40090: 'invalid request source (bad client ip)',
};

/** WeChat's error body: `{errcode, errmsg}` with a request id appended to the message as WeChat does. */
export function wechatError(errcode: number): { errcode: number; errmsg: string } {
  return { errcode, errmsg: `${ERRMSG[errcode] ?? 'error'}, rid: ${randomBytes(6).toString('hex')}` };
}

/**
 * The simulator's stand-in for mini-program login (api.weixin.qq.com/sns/jscode2session): AppSecrets
 * registered per AppID, and one-time codes minted by the control API for an (appid, openid).
 */
export class LoginSimulator {
  private readonly secrets = new Map<string, string>();
  private readonly codes = new Map<string, IssuedCode>();

  constructor(private readonly clock: Clock) {}

  /** Registers (or rotates) the AppSecret of a mini-program. */
  registerApp(r: { appid?: unknown; secret?: unknown }): { appid: string } {
    if (typeof r?.appid !== 'string' || !/^wx[0-9a-z]{16}$/.test(r.appid))
      throw new ControlError(400, 'PARAM_ERROR', 'appid must be an AppID');
    if (typeof r.secret !== 'string' || !r.secret) throw new ControlError(400, 'PARAM_ERROR', 'secret is required');
    this.secrets.set(r.appid, r.secret);
    return { appid: r.appid };
  }

  /** What wx.login would give the user `openid` in mini-program `appid`; `errcode` makes the code answer that error instead. */
  issueCode(r: { appid?: unknown; openid?: unknown; unionid?: unknown; errcode?: unknown }): { code: string; expires_in: number } {
    if (typeof r?.appid !== 'string' || !r.appid) throw new ControlError(400, 'PARAM_ERROR', 'appid is required');
    if (typeof r.openid !== 'string' || !/^[A-Za-z0-9_-]{6,64}$/.test(r.openid))
      throw new ControlError(400, 'PARAM_ERROR', 'openid must be 6-64 of letters, digits, _ and -');
    if (r.errcode !== undefined && !(INJECTABLE_ERRCODES as readonly unknown[]).includes(r.errcode))
      throw new ControlError(400, 'PARAM_ERROR', `errcode must be one of ${INJECTABLE_ERRCODES.join(', ')}`);
    this.sweep();
    // wx.login codes are 32 characters of letters and digits.
    const code = randomBytes(24).toString('base64').replace(/[+/=]/g, '').slice(0, 32).padEnd(32, '0');
    this.codes.set(code, {
      appid: r.appid,
      openid: r.openid,
      ...(typeof r.unionid === 'string' ? { unionid: r.unionid } : {}),
      expiresAt: this.clock.now() + LOGIN_CODE_TTL_MS,
      used: false,
      ...(typeof r.errcode === 'number' ? { errcode: r.errcode } : {}),
    });
    return { code, expires_in: LOGIN_CODE_TTL_MS / 1000 };
  }

  /** GET /sns/jscode2session: WeChat answers HTTP 200 with JSON, errors included. */
  code2Session(q: Record<string, unknown>): Record<string, unknown> {
    const appid = typeof q.appid === 'string' ? q.appid : '';
    const secret = typeof q.secret === 'string' ? q.secret : '';
    const jsCode = typeof q.js_code === 'string' ? q.js_code : '';
    if (!appid) return wechatError(41002);
    if (!secret) return wechatError(41004);
    if (!jsCode) return wechatError(41008);
    const known = this.secrets.get(appid);
    if (known === undefined) return wechatError(40013);
    if (known !== secret) return wechatError(40125);
    return this.redeem(appid, jsCode);
  }

  /**
   * Spends a wx.login code of `appid` (one use, 5 minutes): the session, or WeChat's error. The
   * AppSecret variant and the open platform's component variant (/sns/component/jscode2session) share it.
   */
  redeem(appid: string, jsCode: string): Record<string, unknown> {
    const issued = this.codes.get(jsCode);
    // A code of another AppID is "invalid code" to this one (the devtools-with-another-AppID mistake).
    if (!issued || issued.appid !== appid || this.clock.now() >= issued.expiresAt) return wechatError(40029);
    if (issued.used) return wechatError(40163);
    issued.used = true;
    if (issued.errcode !== undefined) return wechatError(issued.errcode);
    return {
      openid: issued.openid,
      session_key: randomBytes(16).toString('base64'),
      ...(issued.unionid ? { unionid: issued.unionid } : {}),
    };
  }

  private sweep(): void {
    const now = this.clock.now();
    for (const [code, c] of this.codes) if (now >= c.expiresAt + LOGIN_CODE_TTL_MS) this.codes.delete(code);
  }
}
