import type { Orm } from '../common/db/orm';
import { reader, rows } from '../common/db/sql';

/** One notification as the key report lists it. */
export interface KeyedNotification {
  received_at: number;
  tenant_id: string;
  kind: string;
  serial: string | null;
  verification: string;
  verified_by: string | null;
  outcome: string;
}

// Notifications of one provider: its tenants' rows (notification_log keeps the tenant; the tenant row keeps the provider).
const OF_PROVIDER = 'from notification_log n join tenant t on t.id = n.tenant_id where t.sp_mchid = ?';

/** What notification_log says about one provider's keys (admin reads only; never on the notification path). */
export class NotificationKeyQueries {
  constructor(private readonly orm: Orm) {}

  /** The provider's latest notifications, newest first, with the key that verified each. */
  async recent(spMchid: string, limit: number): Promise<KeyedNotification[]> {
    const list = await rows<KeyedNotification>(
      reader(this.orm),
      `select n.received_at, n.tenant_id, n.kind, n.serial, n.verification, n.verified_by, n.outcome ${OF_PROVIDER}` +
        ` order by n.received_at desc, n.id desc limit ${Number(limit)}`,
      [spMchid],
    );
    return list.map((r) => ({ ...r, received_at: Number(r.received_at) }));
  }

  /** When each key last verified a notification of the provider since `sinceMs`. */
  async lastUsed(spMchid: string, sinceMs: number): Promise<Map<string, number>> {
    const list = await rows<{ verified_by: string; at: number | string }>(
      reader(this.orm),
      `select n.verified_by, max(n.received_at) as at ${OF_PROVIDER}` +
        ' and n.verified_by is not null and n.received_at >= ? group by n.verified_by',
      [spMchid, sinceMs],
    );
    return new Map(list.map((r) => [r.verified_by, Number(r.at)]));
  }

  /** Signature failures since `sinceMs` by reason, and how many named a PUB_KEY_ID serial. */
  async failures(
    spMchid: string,
    sinceMs: number,
  ): Promise<Array<{ reason: string; count: number; publicKeySigned: number; lastAt: number }>> {
    const list = await rows<{ verification: string; n: number | string; pub: number | string | null; last_at: number | string }>(
      reader(this.orm),
      `select n.verification, count(*) as n, sum(case when substr(n.serial, 1, 11) = 'PUB_KEY_ID_' then 1 else 0 end) as pub,` +
        ` max(n.received_at) as last_at ${OF_PROVIDER}` +
        " and n.verification not in ('ok', 'not_checked', 'undecryptable') and n.received_at >= ?" +
        ' group by n.verification',
      [spMchid, sinceMs],
    );
    return list.map((r) => ({
      reason: r.verification,
      count: Number(r.n),
      publicKeySigned: Number(r.pub ?? 0),
      lastAt: Number(r.last_at),
    }));
  }
}
