import type { Job } from '../../platform/jobs/jobs';
import { actOnEach, followUpJob } from '../../platform/jobs/follow-up';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logging/logger';
import type { OpenPlatformRepository } from './open-platform.repository';
import type { AuthorizationRepository } from './authorization.repository';
import { REFRESH_AHEAD_MS, type ComponentTokens } from './component-token';

/** Links are kept a week after they were made (their pre_auth_codes die within half an hour). */
const KEEP_LINKS_MS = 7 * 86_400_000;

/**
 * The proactive refresh: every account with a ticket whose token has less than REFRESH_AHEAD_MS
 * left gets a new one, through the same one-fetch-for-the-cluster path as a request (so any number
 * of nodes running this job fetch once, which is its claim). The follow-up shape
 * (src/platform/jobs/follow-up.ts) without a lease column: the token fetch itself is the lock.
 */
export async function refreshDueTokens(
  repo: OpenPlatformRepository,
  tokens: ComponentTokens,
  clock: Clock,
  logger: Logger,
): Promise<number> {
  const due = (await repo.all()).filter((row) => row.ticket && (row.accessTokenExpiresAt ?? 0) - clock.now() <= REFRESH_AHEAD_MS);
  let refreshed = 0;
  await actOnEach(due, async (row) => void ((await tokens.refreshAhead(row.componentAppid)) && refreshed++), {
    logger,
    what: 'open platform: proactive token refresh (requests retry on their own)',
    idOf: (row) => ({ component_appid: row.componentAppid }),
  });
  return refreshed;
}

/** The open platform's background jobs: the token refresh (every minute) and the link purge (hourly). */
export function openPlatformJobs(deps: {
  accounts: OpenPlatformRepository;
  authorizations: AuthorizationRepository;
  tokens: ComponentTokens;
  clock: Clock;
  logger: Logger;
}): Job[] {
  return [
    followUpJob('open-platform.token-refresh', 60_000, () => refreshDueTokens(deps.accounts, deps.tokens, deps.clock, deps.logger)),
    {
      name: 'open-platform.links-purge',
      intervalMs: 3600_000,
      run: async () => void (await deps.authorizations.purgeLinks(deps.clock.now() - KEEP_LINKS_MS)),
    },
  ];
}
