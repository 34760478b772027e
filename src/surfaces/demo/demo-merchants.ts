import { createPublicKey } from 'node:crypto';
import type { DependencyContainer } from 'tsyringe';
import { TOKENS } from '../../platform/tokens';
import type { Logger } from '../../platform/logging/logger';
import type { CredentialsProvider } from '@partnerpay/wxpay';
import type { ControlAnswer } from '@partnerpay/wxpay-simulator';
import {
  LoginSecrets,
  ServiceProvidersService,
  TenancyEvents,
  TenantsService,
  type TenancyChange,
  type TenantJson,
} from '../../modules/tenancy';

/** One call of the simulator's control API (`<simulator>/control` + path): in-process for the embedded one (WxpaySimulator.control). */
export type SimulatorControlCall = (method: 'POST', path: string, body: unknown) => Promise<ControlAnswer>;

/** The demo's AppSecret of a mini-program (the simulator knows it too): "demo" + the AppID's 16 characters, zero-padded to 32. */
export const demoAppSecret = (appid: string) => `demo${appid.slice(2)}`.padEnd(32, '0');

/**
 * Tells the demo's simulator about partnerpay's merchants, as a service provider tells WeChat Pay
 * (WeChat Pay never reads partnerpay's database): each provider (`POST /control/service-providers`,
 * with the public half of its merchant key), each tenant as a sub-merchant with its bound sub_appids
 * (`/control/sub-merchants`), and each mini-program's AppSecret (`/control/apps`). The simulator
 * keeps them in its state directory. Done at seed time and after every tenancy change (TenancyEvents).
 */
export class DemoSimulatorRegistrar {
  private readonly credentials: CredentialsProvider;
  private readonly providers: ServiceProvidersService;
  private readonly tenants: TenantsService;
  private readonly secrets: LoginSecrets;
  private readonly logger: Logger;

  constructor(
    c: DependencyContainer,
    private readonly control: SimulatorControlCall,
  ) {
    this.credentials = c.resolve<CredentialsProvider>(TOKENS.Credentials);
    this.providers = c.resolve(ServiceProvidersService);
    this.tenants = c.resolve(TenantsService);
    this.secrets = c.resolve(LoginSecrets);
    this.logger = c.resolve<Logger>(TOKENS.Logger);
  }

  /** Registers on every provider or tenant change from now on; returns the unsubscribe function. */
  follow(events: TenancyEvents): () => void {
    return events.on(async (change: TenancyChange) => {
      if (change.kind === 'provider') await this.provider(change.sp_mchid);
      else await this.tenant(change.tenant_id);
    });
  }

  /** Registers every provider and tenant partnerpay knows now; answers how many. */
  async all(): Promise<{ providers: number; sub_merchants: number }> {
    const out = { providers: 0, sub_merchants: 0 };
    for (let cursor: string | undefined, first = true; first || cursor; first = false) {
      const page = await this.providers.list(100, cursor);
      for (const p of page.data) if (await this.provider(p.sp_mchid)) out.providers++;
      cursor = page.next_cursor ?? undefined;
    }
    for (let cursor: string | undefined, first = true; first || cursor; first = false) {
      const page = await this.tenants.list({ limit: 100, cursor });
      for (const t of page.data) if (await this.tenant(t)) out.sub_merchants++;
      cursor = page.next_cursor ?? undefined;
    }
    return out;
  }

  /** A provider as WeChat Pay has it on file (the merchant key's public half, serial, APIv3 key) and its own mini-program's AppSecret. */
  async provider(spMchid: string): Promise<boolean> {
    const sp = await this.credentials.get(spMchid);
    if (!sp) return false;
    const ok = await this.post('/service-providers', {
      sp_mchid: sp.spMchid,
      sp_appid: sp.spAppid,
      merchant_serial_no: sp.merchantSerialNo,
      merchant_public_key: createPublicKey(sp.merchantPrivateKey).export({ type: 'spki', format: 'pem' }).toString(),
      apiv3_key: sp.apiV3Key.toString('utf8'),
      verification: sp.verification.mode,
    });
    const secret = ok ? await this.secrets.forProvider(spMchid) : undefined;
    if (secret) await this.post('/apps', { appid: sp.spAppid, secret });
    return ok;
  }

  /**
   * A tenant as a sub-merchant with its bound sub_appids (centralized apps are the provider's
   * sp_appid, not bound), and its mini-programs' AppSecrets. A demo mini-program without one gets the
   * demo AppSecret in partnerpay first (so checkout does not stop at APP_SECRET_MISSING); that write
   * is itself a change, which registers the secret.
   */
  async tenant(tenant: string | TenantJson): Promise<boolean> {
    const t = typeof tenant === 'string' ? await this.tenants.get(tenant) : tenant;
    const ok = await this.post('/sub-merchants', {
      sp_mchid: t.sp_mchid,
      sub_mchid: t.sub_mchid,
      appids: t.apps.filter((a) => a.dev_mode !== 'centralized').map((a) => a.appid),
    });
    if (!ok) return false;
    for (const a of t.apps) {
      if (a.type !== 'miniprogram' || a.dev_mode === 'centralized') continue;
      if (!a.app_secret_set) {
        await this.tenants.setAppSecret(t.id, a.appid, demoAppSecret(a.appid), { actor: 'demo-seed' });
        continue;
      }
      const { secret } = await this.secrets.forApp(t.id, t.sp_mchid, a.appid);
      if (secret) await this.post('/apps', { appid: a.appid, secret });
    }
    return true;
  }

  /** One registration; a refusal (the simulator would refuse it as WeChat Pay would, e.g. a bad APIv3 key) is logged, not thrown. */
  private async post(path: string, body: Record<string, unknown>): Promise<boolean> {
    const answer = await this.control('POST', path, body);
    if (answer.status < 300) return true;
    const { code, message } = (answer.body ?? {}) as { code?: string; message?: string };
    this.logger.warn(
      {
        path: `/control${path}`,
        status: answer.status,
        code,
        message,
        sp_mchid: body.sp_mchid,
        sub_mchid: body.sub_mchid,
        appid: body.appid,
      },
      'demo: the simulator refused a merchant registration',
    );
    return false;
  }
}
