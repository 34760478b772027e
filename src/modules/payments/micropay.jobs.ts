import type { Job } from '../../platform/jobs/jobs';
import type { Clock } from '../../platform/clock';
import type { Config } from '../../platform/config/schema';
import type { Logger } from '../../platform/logging/logger';
import type { OrderRepository } from './order.repository';
import type { MicropayService } from './micropay.service';

const BATCH = 50;

/**
 * Follows open 付款码 charges (USERPAYING, or a charge whose answer was lost): each due one is asked
 * about at WeChat Pay and, still unpaid 30 s after the charge, reversed. Every node runs it; the
 * claim on follow_at makes one node look at a charge per 5 s. (Kept small so that it can move onto
 * the platform's follow-up job shape once that lands.)
 */
export function micropayFollowJob(repo: OrderRepository, micropay: MicropayService, config: Config, clock: Clock, logger: Logger): Job {
  return {
    name: 'micropay.follow',
    intervalMs: Math.min(config.jobs.intervalMs, 5_000),
    async run() {
      for (const order of await repo.findFollowDue(clock.now(), BATCH)) {
        try {
          await micropay.follow(order);
        } catch (err) {
          // The claim already moved follow_at 5 s ahead: the charge is looked at again then.
          logger.warn({ err, order_id: order.id }, 'following a 付款码 charge failed; retried in 5 s');
        }
      }
    },
  };
}
