import type { Database } from '../../platform/db/database';
import { rows } from '../../platform/db/sql';

interface Count {
  tenant_id: string;
  n: number | string;
  amount?: number | string | null;
}

/** The dashboard's aggregate reads: one GROUP BY per table, whatever the number of tenants. */
export class DashboardQueries {
  constructor(private readonly db: Database) {}

  /** Figures per tenant since `since` (epoch ms), every tenant listed even when it had no traffic. */
  async perTenant(since: number) {
    const em = this.db.read();
    const [tenants, orders, paid, refused, failed] = await Promise.all([
      rows<{ id: string; name: string; sub_mchid: string; status: string }>(
        em,
        'select id, name, sub_mchid, status from tenant order by name',
      ),
      rows<Count>(em, 'select tenant_id, count(*) as n from payment_order where created_at >= ? group by tenant_id', [since]),
      rows<Count>(
        em,
        'select tenant_id, count(*) as n, sum(amount_total) as amount from payment_order ' +
          "where created_at >= ? and trade_state in ('SUCCESS', 'REFUND') group by tenant_id",
        [since],
      ),
      rows<Count>(
        em,
        'select tenant_id, count(*) as n from notification_log ' +
          "where received_at >= ? and outcome in ('refused', 'unmatched', 'conflict') group by tenant_id",
        [since],
      ),
      // Real failures: failed for good, or awaiting a retry after a failed attempt (an undeliverable event, of a
      // tenant without webhook_url, has had no attempt and is not one).
      rows<Count>(
        em,
        'select tenant_id, count(*) as n from event where created_at >= ? and ' +
          "(status = 'failed' or (status in ('pending', 'delivering') and attempts > retry_base" +
          ' and (last_error is not null or last_status is not null))) group by tenant_id',
        [since],
      ),
    ]);
    const byTenant = (list: Count[]) => new Map(list.map((r) => [r.tenant_id, r]));
    const [o, p, r, f] = [byTenant(orders), byTenant(paid), byTenant(refused), byTenant(failed)];
    return tenants.map((t) => {
      const created = Number(o.get(t.id)?.n ?? 0);
      const paidCount = Number(p.get(t.id)?.n ?? 0);
      return {
        tenant_id: t.id,
        name: t.name,
        sub_mchid: t.sub_mchid,
        status: t.status,
        orders: created,
        paid: paidCount,
        paid_amount: Number(p.get(t.id)?.amount ?? 0),
        success_rate: created ? Math.round((paidCount / created) * 1000) / 1000 : null,
        notifications_refused: Number(r.get(t.id)?.n ?? 0),
        deliveries_failed: Number(f.get(t.id)?.n ?? 0),
      };
    });
  }
}
