import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { basename, join, resolve } from 'node:path';
import { appendDemoKeys } from './demo-keys-file';
import type { DependencyContainer } from 'tsyringe';
import type { AppModule } from '../../platform/module';
import { TOKENS } from '../../platform/tokens';
import type { Config } from '../../platform/config/schema';
import type { Logger } from '../../platform/logging/logger';
import type { CredentialsProvider } from '@partnerpay/wxpay';
import { ServiceProvidersService, syncTenants, TenancyEvents, TenantsService, type SyncResult } from '../../modules/tenancy';
import type { WxpaySimulator } from '@partnerpay/wxpay-simulator';
import { ComplaintService } from '../../modules/complaints';
import { DemoSimulatorRegistrar, demoAppSecret } from './demo-merchants';
import { demoInboxRouter, mountDemoInbox, registerDemoInbox, DemoInbox, DEMO_INBOX_PATH } from './demo-inbox';

export { demoAppSecret };

/** The demo service provider that tenants/*.json refer to. */
export const DEMO_SP = { spMchid: '1900000100', spAppid: 'wx8888888888888888', name: 'Demo ISV (simulated WeChat Pay)' };

/**
 * Seeds the demo (profile default, seedDemo): the demo service provider with a merchant key pair
 * generated on first start (kept, encrypted, in the demo database), verified in public-key mode
 * against the embedded simulator; the example tenants of tenants/ that do not exist yet. The simulator
 * is told every provider, tenant and AppSecret through its control API, now and after every change
 * (DemoSimulatorRegistrar); it keeps them in its state directory, as WeChat Pay keeps its merchants.
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
  // From here on, every provider or tenant written (by this seeding, the admin API or tenants:sync) is registered at once.
  const registrar = new DemoSimulatorRegistrar(c, (method, path, body) => sim.control(method, path, body));
  registrar.follow(c.resolve(TenancyEvents));

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
  // Seeding creates what is missing and leaves the rest as operators left it (a PATCHed webhook_url survives a restart).
  const report = await syncTenants(c, config.tenantsDir, { actor: 'demo-seed', createOnly: true });
  await followDemoInboxPort(c, config.server.publicBaseUrl);
  // And everything that existed before (a simulator without a state directory, or a fresh one, starts knowing nobody).
  const registered = await registrar.all();
  printDemoKeys(config, report.results);
  registerDemoComplaintUrl(c);
  logger.info(
    { sp_mchid: DEMO_SP.spMchid, tenants_created: report.results.filter((r) => r.action === 'created').length, ...registered },
    'demo seeded: service provider, tenants; registered with the simulator (and on every change)',
  );
}

/**
 * The demo inbox's address on another port of this machine (a start before `PORT=4001 npm start`), as the
 * URL it should be now; undefined for any other URL, an operator's own above all (never rewritten).
 */
export function movedDemoInboxUrl(webhookUrl: string | null, publicBaseUrl: string): string | undefined {
  if (!webhookUrl) return undefined;
  let url: URL;
  let base: URL;
  try {
    url = new URL(webhookUrl);
    base = new URL(publicBaseUrl);
  } catch {
    return undefined;
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'];
  const sameMachine = url.hostname === base.hostname || (loopback.includes(url.hostname) && loopback.includes(base.hostname));
  const inbox = url.pathname.startsWith(`${DEMO_INBOX_PATH}/`) && !url.search && !url.hash && !url.username && !url.password;
  if (!sameMachine || !inbox || url.protocol !== base.protocol || url.origin === base.origin) return undefined;
  return `${publicBaseUrl.replace(/\/+$/, '')}${url.pathname}`;
}

/**
 * Demo tenants whose webhook is the demo inbox at another port follow the port this start listens on
 * (their events would go to a port nobody serves and the inbox would stay empty). Audited as demo-seed.
 */
async function followDemoInboxPort(c: DependencyContainer, publicBaseUrl: string): Promise<void> {
  const tenants = c.resolve(TenantsService);
  const logger = c.resolve<Logger>(TOKENS.Logger);
  for (const t of (await tenants.list({ limit: 100, sp_mchid: DEMO_SP.spMchid })).data) {
    const to = movedDemoInboxUrl(t.webhook_url, publicBaseUrl);
    if (!to) continue;
    await tenants.update(t.id, { webhook_url: to }, { actor: 'demo-seed' });
    logger.info({ tenant_id: t.id, webhook_url: to }, "demo: the tenant's webhook follows the demo inbox to this port");
  }
}

/**
 * Registers the demo provider's complaint URL at the simulated WeChat Pay (docs/complaints.md), once
 * the listener serves requests (it answers 503 while starting): a few tries, half a second apart.
 */
function registerDemoComplaintUrl(c: DependencyContainer, triesLeft = 20): void {
  const logger = c.resolve<Logger>(TOKENS.Logger);
  setTimeout(() => {
    c.resolve(ComplaintService)
      .ensureNotificationUrl(DEMO_SP.spMchid)
      .then((r) => logger.info({ sp_mchid: DEMO_SP.spMchid, url: r?.url }, 'demo: complaint notification URL registered'))
      .catch((err: unknown) => {
        if (triesLeft > 1) registerDemoComplaintUrl(c, triesLeft - 1);
        else logger.warn({ err, sp_mchid: DEMO_SP.spMchid }, 'demo: registering the complaint URL failed');
      });
  }, 500).unref();
}

/**
 * New demo tenants' keys, once, as one block a person can read (never into the JSON log), and into
 * <stateDir>/demo-tenant-keys.txt (mode 600, appended under the database's name) so a scrolled-away
 * terminal or a start against another database does not lose them.
 */
function printDemoKeys(config: Config, results: SyncResult[]): void {
  const created = results.filter((r) => r.secret_key);
  if (!created.length) return;
  const lines = created.map(
    (r) =>
      `  ${basename(r.file, '.json')}  tenant_id=${r.tenant_id}  sub_mchid=${r.sub_mchid}\n` +
      `    secret_key=${r.secret_key}\n    webhook_secret=${r.webhook_secret ?? ''}`,
  );
  let saved = '';
  if (config.simulator.stateDir) {
    const file = join(resolve(config.simulator.stateDir), 'demo-tenant-keys.txt');
    appendDemoKeys(file, config.db.url, lines.join('\n'));
    saved = `\n  (also in ${file}, mode 600)`;
  }
  const rule = '='.repeat(72);
  process.stdout.write(
    `\n${rule}\n  demo tenants created: their keys, shown once (stored hashed)\n${rule}\n${lines.join('\n')}${saved}\n${rule}\n\n`,
  );
}

const inboxOn = (c: DependencyContainer) => c.resolve<Config>(TOKENS.Config).demo.inbox;

/**
 * The demo profile's seeding (nothing unless config.seedDemo and the simulator is embedded) and its
 * built-in webhook inbox (only with config.demo.inbox, which production refuses).
 */
export const demoModule: AppModule = {
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
