import type { Job } from '../../platform/jobs/jobs';
import { followUpJob } from '../../platform/jobs/follow-up';
import type { Clock } from '../../platform/clock';
import type { Config } from '../../platform/config/schema';
import type { Logger } from '../../platform/logging/logger';
import type { OrderRepository } from './order.repository';
import type { OrderService } from './order.service';
import { WxpayApiError } from '@partnerpay/wxpay';
import type { ProviderCredentials } from '../tenancy';

const BATCH = 50;

/**
 * The 补单 path and auto-close: unpaid orders with no news for a while are queried at WeChat Pay
 * and what it says is applied through the same transitions as notifications; orders past their
 * time_expire (and at least minCloseAgeSeconds old, as WeChat Pay asks) are closed.
 */
export function orderReconcilerJob(
  repo: OrderRepository,
  orders: OrderService,
  providers: ProviderCredentials,
  config: Config,
  clock: Clock,
  logger: Logger,
): Job {
  // Orders whose failure was already logged: a failure repeats (e.g. a simulator that forgot the order after a restart),
  // so it is logged once at warn, then at debug. Bounded: it only decides the level of a line.
  const warned = new Set<string>();
  return followUpJob('orders.reconcile', config.jobs.intervalMs, async () => {
    const quiet = config.orders.reconcileAfterSeconds * 1000;
    // Every node runs this job: only the one whose claim lands queries (and maybe closes) the order.
    const due = await repo.claimUnpaidDue(clock.now(), quiet, BATCH);
    for (const order of due) {
      try {
        const sp = await providers.require(order.spMchid);
        const synced = await orders.sync(sp, order);
        const oldEnough = clock.now() - synced.createdAt >= config.orders.minCloseAgeSeconds * 1000;
        // A 合单 sub-order closes only with its combined order (WeChat Pay refuses to close one alone); it expires upstream.
        if (synced.tradeState === 'NOTPAY' && clock.now() >= synced.timeExpire && oldEnough && !synced.combineOutTradeNo)
          await orders.closeNow(sp, synced);
      } catch (err) {
        // Backs off: the order waits reconcileAfterSeconds again instead of being retried on every run (every 2 s in the demo).
        await repo.markSynced(order.id, clock.now()).catch(() => undefined);
        const first = !warned.has(order.id);
        if (first) {
          if (warned.size >= 10_000) warned.clear();
          warned.add(order.id);
        }
        // A WeChat Pay answer is logged by its code and message; only our own failures carry a stack.
        const why = err instanceof WxpayApiError ? { code: err.code, wechat_message: err.wechatMessage } : { err };
        logger[first ? 'warn' : 'debug'](
          { ...why, order_id: order.id, retry_in_seconds: config.orders.reconcileAfterSeconds },
          'reconciling an order failed; it is retried later',
        );
      }
    }
  });
}
