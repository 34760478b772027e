import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DependencyContainer } from 'tsyringe';
import type { Feature } from '../common/feature';
import { TOKENS } from '../common/tokens';
import type { Config } from '../config/schema';
import type { Logger } from '../common/logger';
import type { CredentialsProvider } from '../wxpay/credentials';
import { ServiceProvidersService } from '../tenancy/service-providers.service';
import { syncTenants } from '../tenancy/tenants-sync';
import { TenantsService } from '../tenancy/tenants.service';
import type { WxpaySimulator } from '../simulator/simulator';
import { registerTenantInSimulator, type SimulatorTenant } from '../simulator/tenant-seed';
import { demoInboxRouter, mountDemoInbox, registerDemoInbox, DemoInbox } from './demo-inbox';

/** The demo's AppSecret of a mini-program (the simulator knows it too): "demo" + the AppID's 16 characters, zero-padded to 32. */
export const demoAppSecret = (appid: string) => `demo${appid.slice(2)}`.padEnd(32, '0');

/** The demo service provider that tenants/*.json refer to. */
export const DEMO_SP = { spMchid: '1900000100', spAppid: 'wx8888888888888888', name: 'Demo ISV (simulated WeChat Pay)' };

/**
 * Seeds the demo (profile default, seedDemo): the demo service provider with a merchant key pair
 * generated on first start (kept, encrypted, in the demo database), verified in public-key mode
 * against the embedded simulator; the example tenants of tenants/; and the same merchants in the
 * simulator, which keeps no state of its own across restarts.
 */
async function seedDemo(c: DependencyContainer): Promise<void> {
  const config = c.resolve<Config>(TOKENS.Config);
  const logger = c.resolve<Logger>(TOKENS.Logger);
  if (!config.seedDemo || !config.simulator.embedded || !c.isRegistered(TOKENS.Simulator, true)) return;
  const sim = c.resolve<WxpaySimulator>(TOKENS.Simulator);
  const platform = sim.platform();
  const providers = c.resolve(ServiceProvidersService);
  const credentials = c.resolve<CredentialsProvider>(TOKENS.Credentials);
  const ctx = { actor: 'demo-seed' };

  const existing = await credentials.get(DEMO_SP.spMchid);
  const row = existing ? await providers.get(DEMO_SP.spMchid) : undefined;
  if (!existing || row?.wechatpayPublicKeyId !== platform.public_key_id || !row?.spAppSecret) {
    // First start (or the simulator's keys were reset, or a demo database from before checkout): (re)write the provider,
    // keeping its merchant key if it has one.
    const privateKey = existing
      ? existing.merchantPrivateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
      : generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await providers.put(
      DEMO_SP.spMchid,
      {
        name: DEMO_SP.name,
        sp_appid: DEMO_SP.spAppid,
        merchant_serial_no: existing?.merchantSerialNo ?? randomBytes(20).toString('hex').toUpperCase(),
        merchant_private_key: privateKey,
        apiv3_key: existing ? existing.apiV3Key.toString('utf8') : randomBytes(24).toString('base64url'),
        wechatpay_public_key_id: platform.public_key_id,
        wechatpay_public_key: platform.public_key_pem,
        sp_app_secret: demoAppSecret(DEMO_SP.spAppid),
      },
      ctx,
    );
  }
  const sp = (await credentials.get(DEMO_SP.spMchid))!;
  sim.registerServiceProvider({
    sp_mchid: sp.spMchid,
    sp_appid: sp.spAppid,
    merchant_serial_no: sp.merchantSerialNo,
    merchant_public_key: createPublicKey(sp.merchantPrivateKey).export({ type: 'spki', format: 'pem' }).toString(),
    apiv3_key: sp.apiV3Key.toString('utf8'),
    verification: 'public_key',
  });

  const report = await syncTenants(c, config.tenantsDir, { actor: 'demo-seed' });
  for (const r of report.results)
    if (r.secret_key)
      // Printed to the terminal once, as the API answers it (never to the log): the newcomer needs it to call /v1.
      process.stdout.write(
        `demo tenant ${r.file}: id=${r.tenant_id} sub_mchid=${r.sub_mchid} ` +
          `secret_key=${r.secret_key} webhook_secret=${r.webhook_secret ?? ''}\n`,
      );
  for (const t of readTenantFiles(config.tenantsDir)) if (t.sp_mchid === DEMO_SP.spMchid) registerTenantInSimulator(sim, t);
  await seedDemoAppSecrets(c, sim);
  logger.info(
    { sp_mchid: DEMO_SP.spMchid, tenants: report.results.length },
    'demo seeded: service provider, tenants and simulator merchants',
  );
}

/** Gives every demo mini-program its demo AppSecret, in partnerpay (sealed) and in the simulator's login. */
async function seedDemoAppSecrets(c: DependencyContainer, sim: WxpaySimulator): Promise<void> {
  const tenants = c.resolve(TenantsService);
  sim.login.registerApp({ appid: DEMO_SP.spAppid, secret: demoAppSecret(DEMO_SP.spAppid) });
  for (const t of (await tenants.list({ limit: 100, sp_mchid: DEMO_SP.spMchid })).data)
    for (const a of t.apps) {
      if (a.type !== 'miniprogram' || a.dev_mode === 'centralized') continue;
      sim.login.registerApp({ appid: a.appid, secret: demoAppSecret(a.appid) });
      if (!a.app_secret_set) await tenants.setAppSecret(t.id, a.appid, demoAppSecret(a.appid), { actor: 'demo-seed' });
    }
}

function readTenantFiles(dir: string): SimulatorTenant[] {
  const abs = resolve(dir);
  return readdirSync(abs)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(abs, f), 'utf8')) as SimulatorTenant);
}

const inboxOn = (c: DependencyContainer) => c.resolve<Config>(TOKENS.Config).demo.inbox;

/**
 * The demo profile's seeding (nothing unless config.seedDemo and the simulator is embedded) and its
 * built-in webhook inbox (only with config.demo.inbox, which production refuses).
 */
export const demoFeature: Feature = {
  name: 'demo',
  register(c) {
    if (inboxOn(c)) registerDemoInbox(c);
  },
  mountRaw(app, c) {
    if (inboxOn(c)) mountDemoInbox(app, c);
  },
  routers: (c) => (inboxOn(c) && c.isRegistered(DemoInbox, true) ? [demoInboxRouter(c)] : []),
  onStart: seedDemo,
};
