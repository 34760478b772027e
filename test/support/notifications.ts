import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import type { TestApp } from './app';
import { admin } from './tenancy';
import { simulatorOf, type Provider } from './payments';
import { TOKENS } from '../../src/platform/tokens';
import { rfc3339, type Clock } from '../../src/platform/clock';
import type { Orm } from '../../src/platform/db/orm';
import { encryptResource } from '@partnerpay/wxpay';
import { wechatpayHeaders, type SignTamper } from '@partnerpay/wxpay-simulator';

/** A notification request exactly as it goes on the wire: headers and raw body. */
export interface WireNotification {
  headers: Record<string, string>;
  body: string;
}

/**
 * A notification built the way WeChat Pay builds it and signed with the simulator's platform key
 * (the test plays WeChat Pay, or an attacker: `apiv3Key` encrypts with another key, `tamper`
 * corrupts the signature, shifts the timestamp or sends a SIGNTEST probe signature).
 */
export function wireNotification(
  t: TestApp,
  p: Provider,
  eventType: string,
  resource: Record<string, unknown>,
  opts: { apiv3Key?: string; tamper?: SignTamper } = {},
): WireNotification {
  const sim = simulatorOf(t);
  const now = t.app.container.resolve<Clock>(TOKENS.Clock).now();
  const originalType = eventType.startsWith('REFUND.') ? 'refund' : 'transaction';
  const body = JSON.stringify({
    id: randomUUID(),
    create_time: rfc3339(now),
    resource_type: 'encrypt-resource',
    event_type: eventType,
    summary: originalType === 'refund' ? '退款状态变更' : '支付成功',
    resource: { original_type: originalType, ...encryptResource(JSON.stringify(resource), opts.apiv3Key ?? p.apiv3Key, originalType) },
  });
  return {
    body,
    headers: {
      'Content-Type': 'application/json',
      'User-Agent': 'Mozilla/4.0',
      'Request-ID': randomBytes(16).toString('hex').toUpperCase(),
      ...wechatpayHeaders(sim.identity, sim.platform().public_key_id, body, Math.floor(now / 1000), opts.tamper),
    },
  };
}

/** POSTs a wire notification to /notify/{tenantId}/{kind} through the real listener, byte for byte. */
export function postNotification(t: TestApp, tenantId: string, kind: 'transactions' | 'refunds', n: WireNotification): request.Test {
  return request(t.baseUrl).post(`/notify/${tenantId}/${kind}`).set(n.headers).send(n.body);
}

export interface LoggedNotification {
  id: string;
  tenant_id: string;
  kind: string;
  event_id: string | null;
  event_type: string | null;
  verification: string;
  outcome: string;
  detail: Record<string, unknown> | null;
}

/** Every notification the operators see for one tenant (GET /admin/v1/notifications), newest first. */
export async function notificationLog(t: TestApp, tenantId: string): Promise<LoggedNotification[]> {
  const res = await request(t.http)
    .get(`/admin/v1/notifications?tenant_id=${tenantId}&limit=100`)
    .set(...admin(t));
  if (res.status !== 200) throw new Error(`GET /admin/v1/notifications: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data as LoggedNotification[];
}

/** Event rows of a tenant in the outbox (`event` table), oldest first. */
export async function eventRows(
  t: TestApp,
  tenantId: string,
  type?: string,
): Promise<Array<{ id: string; type: string; payload: string }>> {
  const orm = t.app.container.resolve<Orm>(TOKENS.Orm);
  const rows = (await orm.em
    .fork()
    .execute(
      `select id, type, payload from event where tenant_id = ?${type ? ' and type = ?' : ''} order by created_at, id`,
      type ? [tenantId, type] : [tenantId],
    )) as Array<{
    id: string;
    type: string;
    payload: string;
  }>;
  return rows;
}

/** The envelope id of a wire notification (WeChat Pay's event id, kept in the log). */
export function eventIdOf(n: WireNotification): string {
  return (JSON.parse(n.body) as { id: string }).id;
}

/** The log rows of one WeChat Pay event id for a tenant (times can tie, so look rows up by event). */
export async function loggedFor(t: TestApp, tenantId: string, eventId: string): Promise<LoggedNotification[]> {
  return (await notificationLog(t, tenantId)).filter((n) => n.event_id === eventId);
}
