type Json = Record<string, unknown>;

/**
 * Examples derived from the document's own schemas, so that they cannot drift from them: a value a schema
 * gives (`.meta({ example })`, `examples`, `const`, `enum`, `default`) wins; otherwise a realistic value by
 * field name (`appid`, `sp_mchid`, `out_trade_no`, ...) when it meets the field's limits, else one built from
 * the field's type, format, pattern and limits. Deterministic: the same document gives the same examples.
 * Request bodies show their required fields (the smallest valid request); answers show every field.
 */
export function exampleOf(schema: unknown, components: Record<string, Json>, io: 'input' | 'output'): unknown {
  return new Sampler(components, io).sample(schema, '', 0);
}

const DATE_TIME = '2026-12-01T10:00:00+08:00';

/** Values a field of this name usually holds (used only when they meet its schema). */
const BY_NAME: Record<string, unknown> = {
  appid: 'wxd678efh567hg6787',
  sp_appid: 'wx8888888888888888',
  sub_appid: 'wxd678efh567hg6787',
  component_appid: 'wx3e4f5a6b7c8d9e0f',
  sp_mchid: '1900000100',
  sub_mchid: '1900000109',
  mchid: '1900000109',
  out_trade_no: '20261201104500123456',
  combine_out_trade_no: '20261201104500123456',
  out_refund_no: 'R20261201104500123',
  out_order_no: 'P20261201104500123',
  out_return_no: 'T20261201104500123',
  transaction_id: '4200001234202612011234567890',
  refund_id: '50000000382019052709732678859',
  openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
  sp_openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
  sub_openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
  name: 'Tengda Toys',
  description: 'Tengda Toys: building blocks',
  merchant_name: 'Tengda Toys',
  currency: 'CNY',
  payer_currency: 'CNY',
  email: 'ops@merchant.example.com',
  login: 'ops@merchant.example.com',
  webhook_url: 'https://merchant.example.com/partnerpay/events',
  notify_url: 'https://merchant.example.com/partnerpay/events',
  url: 'https://merchant.example.com/partnerpay/events',
  redirect_uri: 'https://merchant.example.com/wechat/authorized',
  reason: 'customer returned the goods',
  bill_date: '2026-12-01',
  date: '2026-12-01',
  totp: '123456',
  code: '123456',
  message: 'the order is paid',
  request_id: 'req_6f1c2a9e4b7d4c0f',
  total: 100,
  amount: 100,
  refund: 100,
  payer_total: 100,
  payer_refund: 100,
  limit: 20,
  prepay_id: 'wx201410272009395522657a690389285100',
  client_secret: 'ord_8fJ2kQ9xLm3pR7tVw2Yc_secret_Zq4Nn7Ht1Kd9Bp3X',
  appId: 'wxd678efh567hg6787',
  timeStamp: '1796090400',
  nonceStr: '5K8264ILTKCH16CQ2502SI8ZNMTM67VS',
  package: 'prepay_id=wx201410272009395522657a690389285100',
  paySign:
    'oR9d8PuhnIc+YZ8cBHFCwfgpaK9gd7vaRvkYD7rthRAZ/X+QBhcCYL21N7cHCTUxbQ+EAt6Uy+lwSN22f5YZvI45MLko8Pfs' +
    'o0jm46v5hqcVwrk6uddkGuT+Cdvu4WBqDzaDjnNa5UK3GfE1Wfl2gHxIIY5lLdUgWFts17D4WuolLLkiFZV+JSHMvH7eaLdT' +
    '9N5GBovBwu5yYKUR7skR8Fu+LozcSqQixnlEZUfyE55feLOQTUYzLmR9pNtPbPsu6WVhbNHMS3Ss2+AehHvz+n64GDmXxbX+' +
    '+IOBvm2olHu3PsOUGRwhudhVf7UcGcunXt8cqNjKNqZLhLw4jq/xDg==',
  tenant_id: 'ten_8fJ2kQ9xLm3pR7tV',
  trade_state_desc: 'payment succeeded',
  attach: 'order 1024, table 7',
  next_cursor: 'eyJpZCI6Im9yZF8zcTIifQ',
  account: '1900000109',
  complaint_id: '200201820200101080076610000',
  complaint_detail: 'paid twice for one order',
  payer_phone: '138****8000',
  merchant_serial_no: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
  wechatpay_public_key_id: 'PUB_KEY_ID_0114232134912410000000000000',
  secret_key: 'sk_live_3q2-7wEVRyK0bM4sXyHc1A',
  event_type: 'order.paid',
  trade_state: 'SUCCESS',
  complaint_state: 'PENDING',
  state: 'APPLYMENT_STATE_FINISHED',
  status: 'active',
  type: 'MERCHANT_ID',
  kind: 'transactions',
  action: 'tenant.secret_key_create',
  actor: 'opr_3q2-7wEVRyK0bM4sXyHc1A',
  target: 'tenant:ten_8fJ2kQ9xLm3pR7tV',
  at: DATE_TIME,
  since: DATE_TIME,
  respond_by: '2026-12-02T10:00:00+08:00',
  locked_until: '2026-12-01T10:15:00+08:00',
  account_bank: '工商银行',
  account_name: '深圳腾达玩具有限公司',
  apiv3_key: 'a7Kq9ZxP2vT8bN4cR6wZ5hJ1dF0gLmQ3',
  merchant_private_key: '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC...\n-----END PRIVATE KEY-----\n',
  application_no: '2000002124775691',
  verify_result: 'VERIFY_SUCCESS',
  authorizer_appid: 'wxd678efh567hg6787',
  business_code: '1900000100_20261201104500',
  csrf_header: 'x-csrf-token',
  csrf_token: 'c5f0d1e2a3b4c5d6e7f8091a2b3c4d5e',
  custom_relation: 'franchisee',
  relation_type: 'PARTNER',
  detail_id: '36011111111111111111111',
  order_id: '3008450740201411110007820472',
  return_id: '3008450740201411110007820472',
  return_mchid: '1900000109',
  dev_mode: 'third_party',
  payment_mode: 'ordinary_service_provider',
  verdict: 'served',
  why: 'the service provider takes the payment into the sub-merchant account directly',
  rule: 'isv_collects_own_account',
  title: 'Third-party development, ordinary service provider',
  summary: 'partnerpay serves this combination',
  explanation: 'the tenant is a sub-merchant of an ordinary service provider: payments settle to its own account',
  note: 'checked against the merchant bill: paid late',
  error: 'HTTP 502 from https://merchant.example.com/partnerpay/events',
  last_error: 'HTTP 502 from https://merchant.example.com/partnerpay/events',
  fail_reason: 'RECEIVER_HIGH_RISK',
  reject_reason: 'the business licence photo is unreadable',
  state_desc: 'the sub-merchant is active',
  field: 'amount.total',
  field_name: 'business_license_info.business_license_copy',
  event_id: 'evt_3q2-7wEVRyK0bM4sXyHc1A',
  reconciliation_id: 'rec_3q2-7wEVRyK0bM4sXyHc1A',
  secret_key_id: 'key_3q2-7wEVRyK0bM4sXyHc1A',
  link_id: 'opl_3q2-7wEVRyK0bM4sXyHc1A',
  media_id: 'V1_5Bb8wtaMkIhC3ggiJUf4gwjP8EoRc8mUr4AAIHTJmHFXxnmVbLDU0',
  sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  otpauth_uri: 'otpauth://totp/partnerpay:ops%40merchant.example.com?secret=JBSWY3DPEHPK3PXP&issuer=partnerpay',
  secret: 'JBSWY3DPEHPK3PXP',
  password: 'correct horse battery staple',
  platform_key: 'pk_live_3q2-7wEVRyK0bM4sXyHc1A',
  webhook_secret: 'whsec_8fJ2kQ9xLm3pR7tVw2Yc4Nn7Ht1Kd9Bp',
  token: 'op_8fJ2kQ9xLm3pR7tVw2Yc4Nn7Ht1Kd9Bp',
  prefix: 'sk_live_3q2-',
  public_key_id: 'PUB_KEY_ID_0114232134912410000000000000',
  serial_no: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
  serial: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
  verification: 'ok',
  verified_by: 'public_key',
  window: '24h',
  response_content: 'we have refunded the second payment today',
  response_snippet: '{"received":true}',
  user_received_account: '支付用户零钱',
  complainted_mchid: '1900000109',
  transactions: 'https://pay.partnerpay.example.com/notify/ten_3q2-7wEVRyK0bM4sXyHc1A/transactions',
  refunds: 'https://pay.partnerpay.example.com/notify/ten_3q2-7wEVRyK0bM4sXyHc1A/refunds',
  max_ratio: 3000,
  order_expire_minutes: 120,
  orders_per_minute: 6000,
};

/**
 * Values by component and field, where one field name means different things (a tenant's `status` is not a
 * refund's): checked before BY_NAME.
 */
const BY_OWNER: Record<string, unknown> = {
  'GetHealthzAnswer.status': 'ok',
  'GetDashboardAnswer.status': 'ok',
  'Refund.status': 'SUCCESS',
  'AdminRefund.status': 'SUCCESS',
  'Reconciliation.status': 'done',
  'TenantReconciliation.status': 'done',
  'Discrepancy.status': 'open',
  'Discrepancy.kind': 'amount_mismatch',
  'Discrepancy.state': 'SUCCESS',
  'CombinedOrder.state': 'SUCCESS',
  'PortalUser.state': 'active',
  'ProfitSharingOrder.state': 'FINISHED',
  'ProfitSharingOrder.type': 'MERCHANT_ID',
  'GetOpenPlatformAnswer.state': 'authorized',
  'GetOpenPlatformAuthorizedAnswer.state': 'authorized',
  'GetTenantComplianceAnswer.state': 'authorized',
  'TenantApp.type': 'miniprogram',
  'DemoInboxEntry.type': 'order.paid',
  'ReceivedNotification.kind': 'transactions',
};

/** A field named `*_at` or `*_time` is a moment; `*_url` a link. */
function byName(key: string): unknown {
  if (key in BY_NAME) return BY_NAME[key];
  if (/(_at|_time)$/.test(key)) return DATE_TIME;
  if (/_url$/.test(key)) return 'https://merchant.example.com/partnerpay/events';
  return undefined;
}

/** The id prefix (src/platform/ids.ts) of the objects a component describes, by its name. */
const ID_PREFIXES: Array<[RegExp, string]> = [
  [/Event$/, 'evt'],
  [/Refund$/, 'rfd'],
  [/^CombinedOrder/, 'cmb'],
  [/Order$/, 'ord'],
  [/^(Portal)?Tenant$|^CreateTenantAnswer$/, 'ten'],
  [/SecretKey/, 'key'],
  [/PlatformKey$/, 'pkey'],
  [/Operator/, 'opr'],
  [/^PortalUser$/, 'tu'],
  [/Discrepancy/, 'dis'],
  [/Reconciliation$/, 'rec'],
  [/Notification$/, 'ntf'],
  [/WebhookSecret/, 'whk'],
  [/Applyment/, 'apl'],
  [/Complaint/, 'cmp'],
  [/CheckoutOrder/, 'ord'],
  [/^Get(Portal)?EventAnswer$/, 'evt'],
];

class Sampler {
  /** The component being sampled, so that an `id` field gets its objects' prefix. */
  private owner = '';

  constructor(
    private readonly components: Record<string, Json>,
    private readonly io: 'input' | 'output',
  ) {}

  sample(node: unknown, key: string, depth: number): unknown {
    if (!node || typeof node !== 'object' || depth > 12) return {};
    const s = node as Json;
    if (typeof s.$ref === 'string') {
      const name = s.$ref.replace('#/components/schemas/', '');
      const outer = this.owner;
      this.owner = name;
      const value = this.sample(this.components[name], key, depth + 1);
      this.owner = outer;
      return value;
    }
    if ('example' in s) return s.example;
    if (Array.isArray(s.examples) && s.examples.length) return s.examples[0];
    if ('const' in s) return s.const;
    if (Array.isArray(s.enum)) return s.enum.find((v) => v !== null) ?? s.enum[0];
    if (s.default !== undefined) return s.default;
    const union = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
    if (Array.isArray(union) && union.length) {
      const branch = union.find((b) => (b as Json).type !== 'null') ?? union[0];
      return this.sample(branch, key, depth + 1);
    }
    if (Array.isArray(s.allOf)) {
      const parts = s.allOf.map((p) => this.sample(p, key, depth + 1));
      return parts.every((p) => p && typeof p === 'object' && !Array.isArray(p)) ? Object.assign({}, ...parts) : parts[0];
    }
    const type = Array.isArray(s.type) ? (s.type.find((t) => t !== 'null') ?? 'null') : s.type;
    switch (type) {
      case 'object':
        return this.object(s, depth);
      case 'array':
        return this.array(s, key, depth);
      case 'string':
        return this.string(s, key);
      case 'integer':
      case 'number':
        return this.number(s, key, type);
      case 'boolean':
        return true;
      case 'null':
        return null;
      default:
        return s.properties ? this.object(s, depth) : {};
    }
  }

  private object(s: Json, depth: number): Json {
    const properties = (s.properties ?? {}) as Record<string, unknown>;
    const required = new Set((s.required ?? []) as string[]);
    const out: Json = {};
    for (const [name, p] of Object.entries(properties))
      if (this.io === 'output' || required.has(name)) out[name] = this.sample(p, name, depth + 1);
    return out;
  }

  private array(s: Json, key: string, depth: number): unknown[] {
    if (Array.isArray(s.prefixItems)) return s.prefixItems.map((p) => this.sample(p, key, depth + 1));
    const count = Math.max(1, Number(s.minItems ?? 1));
    const max = s.maxItems === undefined ? count : Number(s.maxItems);
    if (max === 0) return [];
    return Array.from({ length: Math.min(count, max) }, () => this.sample(s.items, key.replace(/s$/, ''), depth + 1));
  }

  private string(s: Json, key: string): string {
    const prefix = key === 'id' ? ID_PREFIXES.find(([re]) => re.test(this.owner))?.[1] : undefined;
    const candidates: unknown[] = [BY_OWNER[`${this.owner}.${key}`], prefix ? `${prefix}_3q2-7wEVRyK0bM4sXyHc1A` : byName(key)];
    if (s.format === 'date-time') candidates.push(DATE_TIME, '2026-12-01T02:00:00Z', '2026-12-01T02:00:00.000Z');
    if (s.format === 'date') candidates.push('2026-12-01');
    if (s.format === 'uri') candidates.push('https://merchant.example.com/partnerpay/events');
    if (s.format === 'email') candidates.push('ops@merchant.example.com');
    if (typeof s.pattern === 'string') candidates.push(fromPattern(s.pattern, key));
    candidates.push(key ? key.replace(/_/g, ' ') : 'text');
    for (const c of candidates) if (typeof c === 'string' && fits(c, s)) return c;
    // Nothing fit the lengths: pad or cut the last candidate.
    const base = String(candidates[candidates.length - 1]);
    const min = Number(s.minLength ?? 0);
    const max = s.maxLength === undefined ? Infinity : Number(s.maxLength);
    return base.padEnd(min, 'x').slice(0, max);
  }

  private number(s: Json, key: string, type: 'integer' | 'number'): number {
    const low = s.minimum !== undefined ? Number(s.minimum) : s.exclusiveMinimum !== undefined ? Number(s.exclusiveMinimum) + 1 : 0;
    const high = s.maximum !== undefined ? Number(s.maximum) : s.exclusiveMaximum !== undefined ? Number(s.exclusiveMaximum) - 1 : Infinity;
    const wanted = typeof BY_NAME[key] === 'number' ? (BY_NAME[key] as number) : Math.max(low, 1);
    const v = Math.min(Math.max(wanted, low), high);
    return type === 'integer' ? Math.round(v) : v;
  }
}

function fits(value: string, s: Json): boolean {
  if (s.minLength !== undefined && [...value].length < Number(s.minLength)) return false;
  if (s.maxLength !== undefined && [...value].length > Number(s.maxLength)) return false;
  if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(value)) return false;
  return true;
}

/** Chars a class yields in this order (readable ids: digits and letters first). */
const PREFERRED = '7k3Qm9xP2vT8bN4cR6wZ5hJ1dF0gL_-.@+=/|*';

/**
 * A string matching a simple regular expression (the subset the schemas use: anchors, literals, escapes,
 * classes with ranges, non-capturing groups with alternatives, and quantifiers); the first alternative wins.
 */
export function fromPattern(pattern: string, seed = ''): string {
  let i = 0;
  let turn = [...seed].reduce((a, c) => a + c.charCodeAt(0), 0);
  const pick = (allowed: (c: string) => boolean): string => {
    const all = PREFERRED + 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
    const ok = [...all].filter(allowed);
    if (!ok.length) return 'a';
    return ok[turn++ % ok.length]!;
  };
  const escapeClass = (c: string): ((x: string) => boolean) =>
    c === 'd' ? (x) => /\d/.test(x) : c === 'w' ? (x) => /\w/.test(x) : c === 's' ? (x) => x === ' ' : (x) => x === c;

  function sequence(): string {
    let out = '';
    while (i < pattern.length && pattern[i] !== ')' && pattern[i] !== '|') {
      const c = pattern[i]!;
      let atom: () => string;
      if (c === '^' || c === '$') {
        i++;
        continue;
      } else if (c === '(') {
        i += pattern.startsWith('(?:', i) ? 3 : 1;
        const first = alternatives();
        atom = () => first;
      } else if (c === '[') {
        const tests: Array<(x: string) => boolean> = [];
        i++;
        const negate = pattern[i] === '^';
        if (negate) i++;
        while (i < pattern.length && pattern[i] !== ']') {
          const from = pattern[i]!;
          if (from === '\\') {
            const e = pattern[i + 1]!;
            i += 2;
            tests.push(escapeClass(e));
            continue;
          }
          i++;
          if (pattern[i] === '-' && pattern[i + 1] !== ']' && i + 1 < pattern.length) {
            const to = pattern[i + 1] === '\\' ? pattern[i + 2]! : pattern[i + 1]!;
            i += pattern[i + 1] === '\\' ? 3 : 2;
            const [a, b] = [from.charCodeAt(0), to.charCodeAt(0)];
            tests.push((x) => x.charCodeAt(0) >= a && x.charCodeAt(0) <= b);
          } else {
            const lit = from;
            tests.push((x) => x === lit);
          }
        }
        i++;
        const allowed = (x: string) => tests.some((t) => t(x)) !== negate;
        atom = () => pick(allowed);
      } else if (c === '\\') {
        const e = pattern[i + 1]!;
        i += 2;
        const test = escapeClass(e);
        atom = /[dws]/.test(e) ? () => pick(test) : () => e;
      } else if (c === '.') {
        i++;
        atom = () => pick(() => true);
      } else {
        i++;
        atom = () => c;
      }
      const [min, max] = quantifier();
      const n = min === max ? min : Math.max(min, Math.min(max, min >= 8 ? min : 12));
      for (let k = 0; k < n; k++) out += atom();
    }
    return out;
  }

  function quantifier(): [number, number] {
    const c = pattern[i];
    if (c === '?') return (i++, [0, 1]);
    if (c === '*') return (i++, [0, 12]);
    if (c === '+') return (i++, [1, 12]);
    if (c === '{') {
      const close = pattern.indexOf('}', i);
      const [a, b] = pattern.slice(i + 1, close).split(',');
      i = close + 1;
      const min = Number(a);
      return [min, b === undefined ? min : b === '' ? min + 12 : Number(b)];
    }
    return [1, 1];
  }

  function alternatives(): string {
    const first = sequence();
    while (pattern[i] === '|') {
      i++;
      sequence();
    }
    if (pattern[i] === ')') i++;
    return first;
  }

  return alternatives();
}

/**
 * Fills the example of every JSON request body and every JSON success answer (paths and webhooks) that has
 * none of its own (a route's `example` is kept).
 */
export function addExamples(items: Array<Record<string, Json>>, components: Record<string, Json>): void {
  for (const item of items)
    for (const op of Object.values(item) as Json[]) {
      const body = (op.requestBody as Json | undefined)?.content as Record<string, Json> | undefined;
      const media = body?.['application/json'];
      // A webhook's body is what partnerpay sends: every field, as in an answer.
      if (media && !('example' in media))
        media.example = exampleOf(media.schema, components, op.tags && (op.tags as string[]).includes('webhooks') ? 'output' : 'input');
      for (const [status, answer] of Object.entries((op.responses ?? {}) as Record<string, Json>)) {
        const json = (answer.content as Record<string, Json> | undefined)?.['application/json'];
        if (/^2/.test(status) && json && !('example' in json)) json.example = exampleOf(json.schema, components, 'output');
      }
    }
}
