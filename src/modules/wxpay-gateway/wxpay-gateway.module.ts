import { instancePerContainerCachingFactory, type DependencyContainer } from 'tsyringe';
import type { Feature } from '../common/feature';
import { TOKENS } from '../common/tokens';
import type { Config } from '../config/schema';
import type { Clock } from '../common/clock';
import type { Logger } from '../common/logger';
import type { Database } from '../common/db/database';
import type { KeyValueStore } from '../common/kv/kv';
import type { PlatformKeys } from './client-port';
import { WxpayTransport } from './transport';
import { WxpayHttpClient } from './http-client';
import { WxpayPlatformKeys } from './platform-keys/platform-keys';
import { CertificateStore } from './platform-keys/certificate-store';
import './entities';
import { Metrics } from '../observability/metrics';
import { KeyUsage } from '../observability/key-usage';

/** The raw transport; private to this feature (PlatformKeys downloads certificates through it without a verifier). */
const TRANSPORT = Symbol('WxpayTransport');

/** WeChat Pay polls certificates at < 12 h intervals (spec §2.1); the job checks hourly. */
const CERT_REFRESH_AGE_MS = 6 * 3600_000;

/** Where WeChat Pay is when config leaves it unset (the demo: the embedded simulator of this process). */
function baseUrlOf(config: Config): string {
  return config.wxpay.baseUrl ?? `${config.server.publicBaseUrl.replace(/\/+$/, '')}${config.simulator.mountPath}`;
}

/** Binds TOKENS.Wxpay (WxpayHttpClient) and TOKENS.PlatformKeys (WxpayPlatformKeys), one per container. */
export const wxpayFeature: Feature = {
  name: 'wxpay',
  register(c: DependencyContainer) {
    c.register(TRANSPORT, {
      useFactory: instancePerContainerCachingFactory((c) => {
        const config = c.resolve<Config>(TOKENS.Config);
        return new WxpayTransport(
          { ...config.wxpay, baseUrl: baseUrlOf(config) },
          c.resolve<Clock>(TOKENS.Clock),
          c.resolve<Logger>(TOKENS.Logger),
          c.isRegistered(Metrics, true) ? c.resolve(Metrics) : undefined,
        );
      }),
    });
    c.register(TOKENS.PlatformKeys, {
      useFactory: instancePerContainerCachingFactory(
        (c) =>
          new WxpayPlatformKeys({
            transport: c.resolve(TRANSPORT),
            store: new CertificateStore(c.resolve<Database>(TOKENS.Db)),
            kv: c.resolve<KeyValueStore>(TOKENS.Kv),
            clock: c.resolve<Clock>(TOKENS.Clock),
            logger: c.resolve<Logger>(TOKENS.Logger),
            onVerify: c.isRegistered(KeyUsage, true) ? (sp, r) => c.resolve(KeyUsage).record(sp, r) : undefined,
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
