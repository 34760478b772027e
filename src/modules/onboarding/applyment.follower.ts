import { inject, injectable } from 'tsyringe';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { TOKENS } from '../../platform/tokens';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logging/logger';
import type { Config } from '../../platform/config/schema';
import type { Job } from '../../platform/jobs/jobs';
import { actOnEach, followUpJob } from '../../platform/jobs/follow-up';
import { ApplymentRepository } from './applyment.repository';
import { ApplymentService } from './applyment.service';

/**
 * Follows unfinished applyments (WeChat Pay sends no notification for them): claims the due ones
 * in the database (the follow-up shape: a lease, so one node polls each at a time), asks WeChat Pay, applies the answer,
 * backs off from minutes to hourly while nothing changes; then purges plain applications kept past
 * onboarding.retainDays after a final state. One applyment's failure never stops the others.
 */
@injectable()
export class ApplymentFollower {
  /** This process's lease owner name. */
  readonly owner = `${hostname().slice(0, 40)}:${process.pid}:${randomBytes(4).toString('hex')}`;

  constructor(
    private readonly repo: ApplymentRepository,
    @inject(ApplymentService) private readonly service: ApplymentService,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Config) private readonly config: Config,
    @inject(TOKENS.Logger) private readonly logger: Logger,
  ) {}

  /**
   * One pass: polls what is due by `now` (default: the clock; of one provider when `spMchid`), then purges.
   * Answers how many were polled.
   */
  async runOnce(now = this.clock.now(), spMchid?: string): Promise<number> {
    const leaseMs = this.config.onboarding.leaseSeconds * 1000;
    const due = await this.repo.claimDue(now, leaseMs, this.owner, 20, spMchid);
    await actOnEach(
      due,
      async (row) => {
        await this.service.sync(row);
        await this.repo.release(row.id, this.owner, {});
      },
      {
        logger: this.logger,
        what: 'polling an applyment',
        idOf: (row) => ({ applyment: row.id }),
        failed: (row) => {
          const count = row.pollCount + 1;
          return this.repo.release(row.id, this.owner, {
            pollCount: count,
            nextPollAt: this.clock.now() + this.service.pollDelayMs(count),
          });
        },
      },
    );
    const cutoff = this.clock.now() - this.config.onboarding.retainDays * 86_400_000;
    const purged = await this.repo.purgeFinalBefore(cutoff, this.clock.now());
    if (purged) this.logger.info({ purged }, 'purged plain applications past onboarding.retainDays');
    return due.length;
  }

  job(): Job {
    return followUpJob('onboarding.follow', this.config.jobs.intervalMs, () => this.runOnce());
  }
}
