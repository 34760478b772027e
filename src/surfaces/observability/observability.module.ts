import { instancePerContainerCachingFactory, type DependencyContainer } from 'tsyringe';
import type { Feature } from '../common/feature';
import { TOKENS } from '../common/tokens';
import type { Config } from '../config/schema';
import type { Clock } from '../common/clock';
import type { Database } from '../common/db/database';
import type { CredentialsProvider } from '../wxpay/credentials';
import { CertificateStore } from '../wxpay/platform-keys/certificate-store';
import { NotificationRepository } from '../notifications/notification-repository';
import { EventQueries } from '../events/events.queries';
import { Metrics, type BacklogRow } from './metrics';
import { KeyUsage } from './key-usage';
import { KeyReport } from './key-report';
import { keyReportRouter, metricsRouter } from './observability.routes';

const BACKLOG_TIMEOUT_MS = 2_000;

/**
 * Caches the backlog query for `cacheMs` (several scrapers cost one COUNT per window) and bounds it,
 * so a slow database never hangs a scrape (the gauges keep their last values).
 */
function backlogSource(read: () => Promise<BacklogRow[]>, cacheMs: number): () => Promise<BacklogRow[]> {
  let cached: { at: number; rows: Promise<BacklogRow[]> } | undefined;
  let last: BacklogRow[] = [];
  return () => {
    const now = Date.now();
    if (!cached || now - cached.at >= cacheMs) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<BacklogRow[]>((resolve) => (timer = setTimeout(() => resolve(last), BACKLOG_TIMEOUT_MS)));
      const rows = Promise.race([read().then((r) => (last = r)), timeout])
        .catch(() => last)
        .finally(() => clearTimeout(timer));
      cached = { at: now, rows };
    }
    return cached.rows;
  };
}

/**
 * Observability: the app's Prometheus registry (Metrics, resolved by the features that count),
 * which key verified each WeChat Pay message (KeyUsage, fed by PlatformKeys), GET /metrics and the
 * per-provider key report. Listed first in FEATURES so every later feature can resolve Metrics.
 */
export const observabilityFeature: Feature = {
  name: 'observability',
  register(c: DependencyContainer) {
    const config = c.resolve<Config>(TOKENS.Config);
    c.register(Metrics, {
      useFactory: instancePerContainerCachingFactory((d) => {
        const metrics = new Metrics({ defaultMetrics: config.metrics.defaultMetrics });
        // Resolved at scrape time: the events feature registers EventQueries after this factory may first run.
        metrics.setBacklogSource(
          backlogSource(
            async () => (d.isRegistered(EventQueries, true) ? d.resolve(EventQueries).backlog() : []),
            config.metrics.backlogCacheMs,
          ),
        );
        return metrics;
      }),
    });
    c.register(KeyUsage, {
      useFactory: instancePerContainerCachingFactory((d) => new KeyUsage(d.resolve(Metrics), () => d.resolve<Clock>(TOKENS.Clock).now())),
    });
    c.register(KeyReport, {
      useFactory: instancePerContainerCachingFactory((d) => {
        return new KeyReport(
          d.resolve<CredentialsProvider>(TOKENS.Credentials),
          new CertificateStore(d.resolve<Database>(TOKENS.Db)),
          d.resolve(NotificationRepository),
          d.resolve(KeyUsage),
          () => d.resolve<Clock>(TOKENS.Clock).now(),
        );
      }),
    });
  },
  routers: (c) => [metricsRouter(c), keyReportRouter(c)],
};
