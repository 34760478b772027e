/**
 * `npm run tenants:sync [-- --dry-run] [-- --dir <folder>]`: applies tenants/*.json (see
 * tenants/README.md). Prints each new tenant's secrets once; exits 1, with nothing applied, when any
 * file is invalid.
 */
import 'reflect-metadata';
import { loadConfig } from '../../platform/config/load-config';
import { buildContainer } from '../container';
import { syncTenants, TenantsSyncError } from '../../modules/tenancy';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const dryRun = args.includes('--dry-run');
  const dirAt = args.indexOf('--dir');
  const config = loadConfig(process.env);
  const dir = dirAt >= 0 && args[dirAt + 1] ? args[dirAt + 1] : config.tenantsDir;
  const app = await buildContainer(config);
  try {
    const report = await syncTenants(app.container, dir, { dryRun });
    console.log(`tenants:sync ${report.dir}${dryRun ? ' (dry run: nothing applied)' : ''}`);
    for (const r of report.results) {
      console.log(
        `  ${r.action.padEnd(9)} ${r.tenant_id}  sub_mchid ${r.sub_mchid}  ${r.file}` +
          (r.changes.length ? `  changed: ${r.changes.join(', ')}` : ''),
      );
      if (r.secret_key) console.log(`            secret_key:     ${r.secret_key}\n            webhook_secret: ${r.webhook_secret}`);
    }
    const count = (a: string) => report.results.filter((r) => r.action === a).length;
    console.log(
      `${report.results.length} file(s): ${count('created')} created, ${count('updated')} updated, ${count('unchanged')} unchanged`,
    );
    if (report.results.some((r) => r.secret_key)) console.log('Store the secrets above now: they are never shown again.');
    return 0;
  } catch (e) {
    if (e instanceof TenantsSyncError) {
      console.error(e.message);
      return 1;
    }
    throw e;
  } finally {
    await app.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error('tenants:sync failed:', err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
