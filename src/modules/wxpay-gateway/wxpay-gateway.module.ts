import { instancePerContainerCachingFactory, type DependencyContainer } from 'tsyringe';
import { WxpayHttpClient, WxpayPlatformKeys, WxpayTransport, type PlatformKeys, type WxpayCallObserver } from '@partnerpay/wxpay';
import type { AppModule } from '../../platform/module';
import { TOKENS } from '../../platform/tokens';
import type { Config } from '../../platform/config/schema';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logging/logger';
import { annotateLog } from '../../platform/logging/log-context';
import type { Database } from '../../platform/db/database';
import type { KeyValueStore } from '../../platform/kv/kv';
import { Metrics } from '../../platform/metrics/metrics';
import { WxpayPlatformCertificateEntity } from './platform-certificate.entity';
import { CertificateStore } from './certificate-store';
import { KeyUsage } from './key-usage';

/** The raw transport; private to this module (PlatformKeys downloads certificates through it without a verifier). */
const TRANSPORT = Symbol('WxpayTransport');

/** WeChat Pay polls certificates at < 12 h intervals (spec §2.1); the job checks hourly. */
const CERT_REFRESH_AGE_MS = 6 * 3600_000;

/** Where WeChat Pay is when config leaves it unset (the demo: the embedded simulator of this process). */
function baseUrlOf(config: Config): string {
  return config.wxpay.baseUrl ?? `${config.server.publicBaseUrl.replace(/\/+$/, '')}${config.simulator.mountPath}`;
}

/** What partnerpay hears of every call: the metrics, and WeChat Pay's Request-ID on the request's log lines. */
function callObserver(c: DependencyContainer): WxpayCallObserver {
  const metrics = c.isRegistered(Metrics, true) ? c.resolve(Metrics) : undefined;
  return {
    onCall: metrics ? (sp, endpoint, result, seconds) => metrics.onCall(sp, endpoint, result, seconds) : undefined,
    onRequestId: (id) => annotateLog({ wxpay_request_id: id }),
  };
}

/**
 * The gateway to @partnerpay/wxpay: binds the SDK into the container with partnerpay's clock,
 * logger, Redis (or its stand-in), metrics and the database-backed certificate store. Binds
 * TOKENS.Wxpay (WxpayHttpClient), TOKENS.PlatformKeys (WxpayPlatformKeys) and KeyUsage (which key
 * verified each message), one per container.
 */
export const wxpayGatewayModule: AppModule = {
  name: 'wxpay-gateway',
  entities: [WxpayPlatformCertificateEntity],
  register(c: DependencyContainer) {
    c.register(KeyUsage, {
      useFactory: instancePerContainerCachingFactory((d) => new KeyUsage(d.resolve(Metrics), () => d.resolve<Clock>(TOKENS.Clock).now())),
    });
    c.register(CertificateStore, {
      useFactory: instancePerContainerCachingFactory((d) => new CertificateStore(d.resolve<Database>(TOKENS.Db))),
    });
    c.register(TRANSPORT, {
      useFactory: instancePerContainerCachingFactory((c) => {
        const config = c.resolve<Config>(TOKENS.Config);
        return new WxpayTransport(
          { ...config.wxpay, baseUrl: baseUrlOf(config) },
          c.resolve<Clock>(TOKENS.Clock),
          c.resolve<Logger>(TOKENS.Logger),
          callObserver(c),
        );
      }),
    });
    c.register(TOKENS.PlatformKeys, {
      useFactory: instancePerContainerCachingFactory(
        (c) =>
          new WxpayPlatformKeys({
            transport: c.resolve(TRANSPORT),
            store: c.resolve(CertificateStore),
            kv: c.resolve<KeyValueStore>(TOKENS.Kv),
            clock: c.resolve<Clock>(TOKENS.Clock),
            logger: c.resolve<Logger>(TOKENS.Logger),
            onVerify: (sp, r) => c.resolve(KeyUsage).record(sp, r),
          }),
      ),
    });
    c.register(TOKENS.Wxpay, {
      useFactory: instancePerContainerCachingFactory(
        (c) => new WxpayHttpClient(c.resolve(TRANSPORT), c.resolve<PlatformKeys>(TOKENS.PlatformKeys)),
      ),
    });
  },
  jobs(c) {
    return [
      {
        name: 'wxpay.platform-certificates',
        intervalMs: 3600_000,
        async run() {
          const keys = c.resolve<PlatformKeys>(TOKENS.PlatformKeys);
          if (!(keys instanceof WxpayPlatformKeys)) return;
          for (const sp of keys.staleProviders(CERT_REFRESH_AGE_MS)) await keys.refresh(sp);
        },
      },
    ];
  },
  async onStop(c) {
    await c.resolve<WxpayTransport>(TRANSPORT).close();
  },
};
