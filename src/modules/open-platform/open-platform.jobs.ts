import type { Job } from '../../platform/jobs/jobs';
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
 * of nodes running this job fetch once). One small function on purpose: it moves onto the shared
 * follow-up job shape (src/platform/jobs/follow-up.ts) when that lands.
 */
export async function refreshDueTokens(
  repo: OpenPlatformRepository,
  tokens: ComponentTokens,
  clock: Clock,
  logger: Logger,
): Promise<number> {
  let refreshed = 0;
  for (const row of await repo.all()) {
    if (!row.ticket || (row.accessTokenExpiresAt ?? 0) - clock.now() > REFRESH_AHEAD_MS) continue;
    try {
      if (await tokens.refreshAhead(row.componentAppid)) refreshed++;
    } catch (err) {
      logger.warn({ err, component_appid: row.componentAppid }, 'open platform: proactive token refresh failed; requests will retry');
    }
  }
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
    {
      name: 'open-platform.token-refresh',
      intervalMs: 60_000,
      run: async () => void (await refreshDueTokens(deps.accounts, deps.tokens, deps.clock, deps.logger)),
    },
    {
      name: 'open-platform.links-purge',
      intervalMs: 3600_000,
      run: async () => void (await deps.authorizations.purgeLinks(deps.clock.now() - KEEP_LINKS_MS)),
    },
  ];
}
