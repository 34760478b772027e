import { createHmac, timingSafeEqual } from 'node:crypto';
import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './schema.js';

export type { components, paths } from './schema.js';

/** The named answer schemas: `Schemas['Order']`, `Schemas['Refund']`, ... */
export type Schemas = components['schemas'];
export type Order = Schemas['Order'];
export type Payment = Schemas['Payment'];
export type Refund = Schemas['Refund'];
export type ApiError = Schemas['Error'];

/** A client for one tenant's back end: every /v1 path, typed by the contract (no casts needed). */
export function createPartnerpayClient(options: { baseUrl: string; secretKey: string; fetch?: typeof fetch }): Client<paths> {
  return createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    headers: { Authorization: `Bearer ${options.secretKey}` },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}

/**
 * Checks a `Partnerpay-Signature` header (`t=<unix seconds>,v1=<hex>[,v1=<hex>]`) over the exact raw body:
 * true when one v1 is HMAC-SHA256(secret, `${t}.${rawBody}`) and t is within `toleranceSeconds` of now.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined,
  rawBody: string | Buffer,
  options: { toleranceSeconds?: number; nowSeconds?: number } = {},
): boolean {
  if (!header) return false;
  const parts = header.split(',').map((p) => p.trim().split('=', 2) as [string, string | undefined]);
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  if (!Number.isInteger(t)) return false;
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - t) > (options.toleranceSeconds ?? 300)) return false;
  const expected = createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest();
  return parts
    .filter(([k, v]) => k === 'v1' && v !== undefined && /^[0-9a-f]{64}$/.test(v))
    .some(([, v]) => timingSafeEqual(Buffer.from(v!, 'hex'), expected));
}

/** The body partnerpay POSTs to a webhook: one event. */
export type WebhookEvent =
  | Schemas['OrderPaidEvent']
  | Schemas['OrderClosedEvent']
  | Schemas['RefundSucceededEvent']
  | Schemas['RefundClosedEvent']
  | Schemas['RefundAbnormalEvent'];
