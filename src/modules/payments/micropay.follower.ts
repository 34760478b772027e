import { inject, injectable } from 'tsyringe';
import { TOKENS } from '../../platform/tokens';
import { actOnEach, backoffMs, followUpJob } from '../../platform/jobs/follow-up';
import type { Job } from '../../platform/jobs/jobs';
import type { Clock } from '../../platform/clock';
import type { Config } from '../../platform/config/schema';
import type { Logger } from '../../platform/logging/logger';
import { OrderRepository } from './order.repository';
import { FOLLOW_EVERY_MS, MicropayService } from './micropay.service';

const BATCH = 50;
/** One look at an open charge every 5 s, for as long as it is open (WeChat Pay's advice, spec wave3 §3.4). */
export const FOLLOW_SCHEDULE: readonly number[] = [FOLLOW_EVERY_MS];

/**
 * Follows open 付款码 charges (USERPAYING, or a charge whose answer was lost), on the platform's
 * follow-up shape: CLAIM the due charges (a guarded UPDATE of follow_at, the charge's lease and its
 * next look at once, so with several nodes one node looks at a charge per 5 s), ACT on each (ask
 * WeChat Pay; reverse what is still unpaid 30 s after the charge). A failed look needs no backing
 * off: the claim already moved follow_at one step ahead.
 */
@injectable()
export class MicropayFollower {
  constructor(
    @inject(OrderRepository) private readonly repo: OrderRepository,
    @inject(MicropayService) private readonly micropay: MicropayService,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) private readonly logger: Logger,
  ) {}

  /** One pass over the charges due; answers how many were looked at without failing. */
  async runOnce(): Promise<number> {
    const due = await this.repo.claimFollowDue(this.clock.now(), backoffMs(FOLLOW_SCHEDULE, 0), BATCH);
    return actOnEach(due, (order) => this.micropay.follow(order), {
      logger: this.logger,
      what: 'following a 付款码 charge',
      idOf: (order) => ({ order_id: order.id }),
    });
  }
}

/** The follower as a job: every 5 s at most (sooner when the platform's interval is shorter). */
export function micropayFollowJob(follower: MicropayFollower, config: Config): Job {
  return followUpJob('micropay.follow', Math.min(config.jobs.intervalMs, FOLLOW_EVERY_MS), () => follower.runOnce());
}
