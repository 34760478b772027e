import { backoffMs } from '../../platform/jobs/follow-up';

const s = 1000;
const m = 60 * s;
const h = 60 * m;

/** WeChat Pay's own notification retry schedule (contract: "Events to tenants"): 15 retries over about 24 h. */
export const RETRY_SCHEDULE_MS: readonly number[] = [
  15 * s,
  15 * s,
  30 * s,
  3 * m,
  10 * m,
  20 * m,
  30 * m,
  30 * m,
  30 * m,
  60 * m,
  3 * h,
  3 * h,
  3 * h,
  6 * h,
  6 * h,
];

/**
 * Wait after the n-th failed attempt of a schedule (1-based), or undefined once the schedule is spent: retryDelayMs(1) → 15000,
 * retryDelayMs(16) → undefined.
 */
export function retryDelayMs(failedAttempt: number): number | undefined {
  return failedAttempt >= 1 && failedAttempt <= RETRY_SCHEDULE_MS.length ? backoffMs(RETRY_SCHEDULE_MS, failedAttempt - 1) : undefined;
}
