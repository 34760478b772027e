/*
 * What the simulated open platform (第三方平台, spec wave3 §1) remembers, as plain data: one record
 * per component account, pre-authorisation code, authorisation code and authorisation. Plain
 * objects in maps, so a persistent simulator can write and replay them as they are.
 */

/** Switches that make a component's API misbehave the way the field reports (spec wave3 §1, "What the simulator must mimic"). */
export interface ComponentSettings {
  /** A new component_access_token invalidates the older ones (they answer 40001). */
  invalidate_old_tokens: boolean;
  /** errcode as a JSON string ("40029"), as WeChat's documentation example writes it. */
  errcode_as_string: boolean;
  /** The caller's IP is not on the platform's allowlist: 61004 for tokens, 40090 elsewhere. */
  ip_blocked: boolean;
  /** The daily quota is spent: 45009. */
  quota_exceeded: boolean;
  /** An authorization code works once (the live behaviour is unconfirmed; default: reusable until it expires). */
  single_use_auth_codes: boolean;
}

/** One 第三方平台 account as WeChat holds it. */
export interface ComponentAccount {
  component_appid: string;
  component_appsecret: string;
  /** 消息校验Token. */
  token: string;
  /** 消息加解密Key: 43 letters and digits. */
  encoding_aes_key: string;
  /** 授权事件接收URL: where tickets and authorisation events are pushed. */
  events_url: string;
  /** Simulator-time ms between ticket pushes (WeChat: 10 minutes). */
  push_interval_ms: number;
  /** Tickets pushed, by value, with the wall-clock ms they were issued (each lives 12 h). */
  tickets: Record<string, number>;
  /** Tokens issued, by value: wall-clock expiry, and whether a later fetch or a fault revoked them. */
  tokens: Record<string, { expires_at: number; revoked: boolean }>;
  settings: ComponentSettings;
}

/** A pre_auth_code: 600 s, single use. */
export interface PreAuthCode {
  code: string;
  component_appid: string;
  expires_at: number;
  used: boolean;
}

/** An authorization code handed out by the authorisation page (redirect and push). */
export interface AuthCode {
  code: string;
  component_appid: string;
  authorizer_appid: string;
  expires_at: number;
  used: boolean;
}

/** A mini-program's authorisation to one component. */
export interface Authorization {
  component_appid: string;
  authorizer_appid: string;
  state: 'authorized' | 'unauthorized';
  /** The granted permission sets (funcscope_category ids). */
  func_ids: number[];
  /** Changes only on re-authorisation; the previous one then answers 61023. */
  refresh_token: string;
  /** Authorizer access tokens issued, by value, with their wall-clock expiry. */
  access_tokens: Record<string, number>;
  /** Unix seconds of the last authorisation. */
  auth_time: number;
}

/** One push to a component's events URL, as the push log records it. */
export interface Push {
  component_appid: string;
  info_type: string;
  url: string;
  /** HTTP status, 0 when the request failed. */
  status: number;
  /** WeChat counts a push delivered only on HTTP 200 with the body `success`. */
  ok: boolean;
  /** Wall-clock ms. */
  at: number;
  error?: string;
}

/** One call to the component API (the token fetches are what tests count). */
export interface ComponentCall {
  path: string;
  component_appid?: string;
  errcode: number;
  at: number;
}

/** The whole open-platform state of the simulator. */
export class ComponentState {
  readonly accounts = new Map<string, ComponentAccount>();
  readonly preAuthCodes = new Map<string, PreAuthCode>();
  readonly authCodes = new Map<string, AuthCode>();
  /** Keyed `component_appid/authorizer_appid`. */
  readonly authorizations = new Map<string, Authorization>();
  readonly pushes: Push[] = [];
  readonly calls: ComponentCall[] = [];

  authorization(componentAppid: string, authorizerAppid: string): Authorization | undefined {
    return this.authorizations.get(`${componentAppid}/${authorizerAppid}`);
  }

  putAuthorization(a: Authorization): void {
    this.authorizations.set(`${a.component_appid}/${a.authorizer_appid}`, a);
  }

  /** Appends to a capped log (the oldest entries go first). */
  static log<T>(list: T[], entry: T, cap = 1000): void {
    list.push(entry);
    if (list.length > cap) list.splice(0, list.length - cap);
  }
}
