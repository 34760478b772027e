import { instancePerContainerCachingFactory } from 'tsyringe';
import type { CredentialsProvider } from '@partnerpay/wxpay';
import type { AppModule } from '../../platform/module';
import { TOKENS } from '../../platform/tokens';
import type { Clock } from '../../platform/clock';
import { CertificateStore, KeyUsage } from '../../modules/wxpay-gateway';
import { NotificationRepository } from '../../modules/notifications';
import { KeyReport } from './key-report';
import { keyReportRouter, metricsRouter } from './observability.routes';

/**
 * Observability's surface: GET /metrics (the platform's Metrics registry) and the per-provider key
 * report (which key verified what: the gateway's KeyUsage, the stored certificates and the
 * notification log).
 */
export const observabilityModule: AppModule = {
  name: 'observability',
  register(c) {
    c.register(KeyReport, {
      useFactory: instancePerContainerCachingFactory(
        (d) =>
          new KeyReport(
            d.resolve<CredentialsProvider>(TOKENS.Credentials),
            d.resolve(CertificateStore),
            d.resolve(NotificationRepository),
            d.resolve(KeyUsage),
            () => d.resolve<Clock>(TOKENS.Clock).now(),
          ),
      ),
    });
  },
  routers: (c) => [metricsRouter(c), keyReportRouter(c)],
};
