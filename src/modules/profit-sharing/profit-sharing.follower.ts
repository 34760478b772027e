import { inject, injectable } from 'tsyringe';
import { TOKENS } from '../../platform/tokens';
import { backoffMs, exponentialSchedule } from '../../platform/jobs/follow-up';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logging/logger';
import { ProfitSharingRepository } from './profit-sharing.repository';
import { ProfitSharingService } from './profit-sharing.service';

/** A node's claim on a row while it queries WeChat Pay about it. */
const LEASE_MS = 60_000;
const BATCH = 50;

/** Backoff between queries of one unfinished split or return: 15 s, 30 s, 1 min ... at most 10 min. */
export const FOLLOW_SCHEDULE = exponentialSchedule(15_000, 10 * 60_000);

/**
 * WeChat Pay notifies only merchant receivers, never the paying sub-merchant (addendum §2.11), so
 * every unfinished split, unfreeze and return is queried until final. Rows are claimed in the
 * database (a guarded UPDATE of their lease), so with several nodes each is queried by one.
 */
@injectable()
export class ProfitSharingFollower {
  constructor(
    @inject(ProfitSharingRepository) private readonly repo: ProfitSharingRepository,
    @inject(ProfitSharingService) private readonly service: ProfitSharingService,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) private readonly logger: Logger,
  ) {}

  /** One pass over everything due; answers how many rows were queried. */
  async runOnce(): Promise<number> {
    const now = this.clock.now();
    const splits = await this.repo.claimSplits(now, LEASE_MS, BATCH);
    for (const s of splits) {
      let state = s.state;
      try {
        state = (await this.service.followSplit(s)).state;
      } catch (err) {
        this.logger.warn({ err, split_id: s.id }, 'following a profit-sharing order failed; retried later');
      }
      const set = { attempts: s.attempts + 1, nextPollAt: this.clock.now() + backoffMs(FOLLOW_SCHEDULE, s.attempts), leaseUntil: 0 };
      // Only the unfinished, and only while the claim is ours; a split deleted after a refusal simply matches nothing.
      if (state !== 'FINISHED') await this.repo.updateSplit(this.repo.db.read(), set, { id: s.id, leaseUntil: s.leaseUntil });
    }
    const returns = await this.repo.claimReturns(now, LEASE_MS, BATCH);
    for (const r of returns) {
      let state = r.state;
      try {
        state = (await this.service.followReturn(r)).state;
      } catch (err) {
        this.logger.warn({ err, return_id: r.id }, 'following a profit-sharing return failed; retried later');
      }
      const set = { attempts: r.attempts + 1, nextPollAt: this.clock.now() + backoffMs(FOLLOW_SCHEDULE, r.attempts), leaseUntil: 0 };
      if (state === 'RESERVED' || state === 'PROCESSING')
        await this.repo.updateReturn(this.repo.db.read(), set, { id: r.id, leaseUntil: r.leaseUntil });
    }
    return splits.length + returns.length;
  }
}
