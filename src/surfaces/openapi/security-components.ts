import type { RouteAuth } from '../../platform/http/route';

/** The credentials partnerpay tells apart, one scheme each. */
export const SECURITY_SCHEMES: Record<string, Record<string, unknown>> = {
  tenantSecretKey: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'sk_...',
    description: "A tenant's (sub-merchant's) secret key, for its back end only",
  },
  operatorToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'opaque operator token',
    description: 'Operator token (PARTNERPAY_ADMIN_TOKEN or one made by POST /admin/v1/operators); viewer or admin role',
  },
  platformKey: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'platform key',
    description: "A platform key: one of the service provider's integrations acting for several tenants",
  },
  clientSecret: {
    type: 'apiKey',
    in: 'query',
    name: 'client_secret',
    description:
      "An order's client_secret (ord_..._secret_...), what a mini-program holds instead of a key (POST bodies carry it as client_secret)",
  },
  portalSession: {
    type: 'apiKey',
    in: 'cookie',
    name: 'pp_portal',
    description: "A sub-merchant portal session cookie (signed in by the portal's login)",
  },
  wechatpaySignature: {
    type: 'apiKey',
    in: 'header',
    name: 'Wechatpay-Signature',
    description: 'WeChat Pay APIv3 signature headers (Wechatpay-Timestamp, -Nonce, -Serial, -Signature) over the raw body',
  },
  wechatMsgSignature: {
    type: 'apiKey',
    in: 'query',
    name: 'msg_signature',
    description: "WeChat open platform push (WXBizMsgCrypt): msg_signature over the component's token, timestamp, nonce and Encrypt",
  },
  partnerpaySignature: {
    type: 'apiKey',
    in: 'header',
    name: 'Partnerpay-Signature',
    description: 'What partnerpay signs its webhooks with: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">',
  },
};

const SCHEME_OF: Record<RouteAuth, string | undefined> = {
  none: undefined,
  operator: 'operatorToken',
  tenant: 'tenantSecretKey',
  platform: 'platformKey',
  client: 'clientSecret',
  portal: 'portalSession',
  wechatpay: 'wechatpaySignature',
  wechat: 'wechatMsgSignature',
};

/** The operation's `security`: one scheme, or none (an empty list) for public routes. */
export function securityOf(auth: RouteAuth): unknown[] {
  const scheme = SCHEME_OF[auth];
  return scheme ? [{ [scheme]: [] }] : [];
}
