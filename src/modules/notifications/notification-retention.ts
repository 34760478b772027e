import type { Job } from '../../platform/jobs/jobs';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logging/logger';
import type { NotificationRepository } from './notification.repository';

const BATCH = 1000;

/**
 * Deletes notification_log rows older than notifications.retentionDays, a batch at a time. Running
 * on several nodes at once is harmless: each DELETE removes only rows still there.
 */
export function notificationRetentionJob(repo: NotificationRepository, retentionDays: number, clock: Clock, logger: Logger): Job {
  return {
    name: 'notifications.retention',
    intervalMs: 3600_000,
    async run() {
      const cutoff = clock.now() - retentionDays * 86_400_000;
      let total = 0;
      for (let i = 0; i < 100; i++) {
        const n = await repo.deleteReceivedBefore(cutoff, BATCH);
        total += n;
        if (n < BATCH) break;
      }
      if (total) logger.info({ deleted: total, retention_days: retentionDays }, 'old notification log rows deleted');
    },
  };
}

/**
 * Counts POSTs to /notify paths of tenants that do not exist: they are not WeChat Pay (it only
 * knows our real notify_urls), so each gets no log row; one warning a minute says how many came.
 */
export class UnknownNotifyPaths {
  private count = 0;
  private windowStart = 0;

  constructor(
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {}

  /** Counts one; logs the minute's total at most once a minute. */
  seen(): void {
    this.count++;
    const now = this.clock.now();
    if (now - this.windowStart < 60_000) return;
    this.logger.warn({ security: true, count: this.count }, 'notifications POSTed to unknown tenant paths (not logged one by one)');
    this.count = 0;
    this.windowStart = now;
  }

  /** How many arrived since the last warning (tests, metrics). */
  get pending(): number {
    return this.count;
  }
}
