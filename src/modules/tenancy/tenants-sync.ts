import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DependencyContainer } from 'tsyringe';
import { TOKENS } from '../../platform/tokens';
import type { Config } from '../../platform/config/schema';
import type { Em } from '../../platform/db/orm';
import type { Database } from '../../platform/db/database';
import { AppError } from '../../platform/errors/errors';
import { toAppError } from '../../platform/http/error-middleware';
import { zodIssues } from '../../platform/http/route';
import type { WriteContext } from '../operators';
import { TenantsService, type PreparedTenant, type TenantChanges } from './tenants.service';
import { approvedReceivers } from './clearing-guard';
import { TenantRepository } from './tenant.repository';
import type { TenantRow } from './tenancy.entity';
import { tenantCreateBody, type TenantInput } from './tenancy.schemas';

export interface SyncResult {
  file: string;
  sp_mchid: string;
  sub_mchid: string;
  tenant_id: string;
  action: 'created' | 'updated' | 'unchanged';
  /** The fields an update changed. */
  changes: string[];
  /** Only for a tenant created by this (non-dry) run: shown once. */
  secret_key?: string;
  webhook_secret?: string;
}

export interface SyncReport {
  dir: string;
  dryRun: boolean;
  results: SyncResult[];
}

/** The batch was refused; nothing was applied. `problems` names each file and what is wrong. */
export class TenantsSyncError extends Error {
  constructor(readonly problems: Array<{ file: string; issue: string }>) {
    super(`tenants:sync refused the batch, nothing was applied:\n${problems.map((p) => `  - ${p.file}: ${p.issue}`).join('\n')}`);
    this.name = 'TenantsSyncError';
  }
}

class DryRunRollback extends Error {}

function describe(e: unknown): string {
  const a = toAppError(e);
  const fields = (a.detail?.fields as Array<{ field: string; issue: string }> | undefined)?.map((f) => `${f.field} ${f.issue}`);
  return fields?.length ? fields.join('; ') : `${a.code}: ${a.message}`;
}

/** `${PUBLIC_BASE_URL}` in a file's webhook_url stands for server.publicBaseUrl (the demo's inbox, on whatever port it listens). */
export const PUBLIC_BASE_URL_PLACEHOLDER = '${PUBLIC_BASE_URL}';

function readFiles(dir: string, publicBaseUrl: string): Array<{ file: string; input?: TenantInput; issue?: string }> {
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new TenantsSyncError([{ file: dir, issue: 'is not a directory' }]);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((name) => {
      const file = join(dir, name);
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(file, 'utf8'));
      } catch (e) {
        return { file, issue: `is not valid JSON (${(e as Error).message})` };
      }
      if (raw && typeof raw === 'object' && '$comment' in raw) delete (raw as Record<string, unknown>).$comment;
      const r = raw as { webhook_url?: unknown } | null;
      if (r && typeof r.webhook_url === 'string')
        r.webhook_url = r.webhook_url.replace(PUBLIC_BASE_URL_PLACEHOLDER, publicBaseUrl.replace(/\/+$/, ''));
      const parsed = tenantCreateBody.safeParse(raw);
      return parsed.success
        ? { file, input: parsed.data }
        : {
            file,
            issue: zodIssues(parsed.error)
              .map((i) => `${i.field} ${i.issue}`)
              .join('; '),
          };
    });
}

/** What an existing tenant would change to match its file (order_expire_minutes and profit_sharing only when the file gives them). */
function diff(t: TenantRow, apps: Array<{ appid: string; type: string; devMode: string }>, f: TenantInput): TenantChanges {
  const c: TenantChanges = {};
  if (t.name !== f.name) c.name = f.name;
  if (t.status !== f.status) c.status = f.status;
  if (t.webhookUrl !== f.webhook_url) c.webhook_url = f.webhook_url;
  if (f.order_expire_minutes !== undefined && f.order_expire_minutes !== t.orderExpireMinutes)
    c.order_expire_minutes = f.order_expire_minutes;
  if (f.limits?.orders_per_minute !== undefined && f.limits.orders_per_minute !== t.ordersPerMinute) c.limits = f.limits;
  const ps = f.profit_sharing;
  if (
    ps &&
    ((ps.max_ratio !== undefined && ps.max_ratio !== t.profitSharingMaxRatio) ||
      (ps.receivers !== undefined && JSON.stringify(ps.receivers) !== JSON.stringify(approvedReceivers(t))))
  )
    c.profit_sharing = ps;
  const key = (a: { appid: string; type: string; devMode: string }) => `${a.appid}|${a.type}|${a.devMode}`;
  const now = apps.map(key).sort().join(',');
  if (
    now !==
    f.apps
      .map((a) => key({ ...a, devMode: a.dev_mode }))
      .sort()
      .join(',')
  )
    c.apps = f.apps;
  return c;
}

/**
 * Applies tenants/*.json through the same TenantsService as the admin API: upsert by
 * (sp_mchid, sub_mchid), all files in one transaction. Any invalid file refuses the whole batch
 * (TenantsSyncError; nothing applied). A dry run does everything, then rolls back. New tenants'
 * secrets are in the report, once. `createOnly` creates the missing tenants and leaves existing ones
 * as they are (the demo's seeding, which must not undo an operator's PATCH).
 */
export async function syncTenants(
  c: DependencyContainer,
  dir: string,
  opts: { dryRun?: boolean; actor?: string; createOnly?: boolean } = {},
): Promise<SyncReport> {
  const absDir = resolve(dir);
  const service = c.resolve(TenantsService);
  const db = c.resolve<Database>(TOKENS.Db);
  const tenants = c.resolve(TenantRepository);
  const ctx: WriteContext = { actor: opts.actor ?? 'cli:tenants-sync' };
  const files = readFiles(absDir, c.resolve<Config>(TOKENS.Config).server.publicBaseUrl);
  const problems = files.filter((f) => f.issue).map((f) => ({ file: f.file, issue: f.issue! }));
  const valid = files.filter((f): f is { file: string; input: TenantInput } => Boolean(f.input));

  // Across files: a sub_mchid once, and a tenant's own AppID once.
  const seen = new Map<string, string>();
  for (const f of valid) {
    for (const k of [
      `sub_mchid ${f.input.sub_mchid}`,
      ...f.input.apps.filter((a) => a.dev_mode !== 'centralized').map((a) => `appid ${a.appid}`),
    ]) {
      const other = seen.get(k);
      if (other) problems.push({ file: f.file, issue: `${k} is also in ${other}` });
      else seen.set(k, f.file);
    }
  }
  await Promise.all(
    valid.map((f) => service.checkWebhookUrl(f.input.webhook_url).catch((e) => problems.push({ file: f.file, issue: describe(e) }))),
  );
  if (problems.length) throw new TenantsSyncError(problems);

  // Secrets are generated and sealed before the transaction (the SecretBox has its own connection).
  const existing = new Map((await tenants.findBySubMchids(valid.map((f) => f.input.sub_mchid))).map((t) => [t.subMchid, t]));
  const prepared = new Map<string, PreparedTenant>();
  for (const f of valid) if (!existing.has(f.input.sub_mchid)) prepared.set(f.file, await service.prepareCreate(f.input));

  const results: SyncResult[] = [];
  try {
    await db.tx(async (em: Em) => {
      for (const f of valid) {
        try {
          // A savepoint per file, so every file's problem is reported before the batch is refused.
          await em.transactional(async (tx) =>
            results.push(await applyOne(tx as Em, tenants, service, f.file, f.input, prepared.get(f.file), ctx, opts.createOnly === true)),
          );
        } catch (e) {
          problems.push({ file: f.file, issue: describe(e) });
        }
      }
      if (problems.length) throw new TenantsSyncError(problems);
      if (opts.dryRun) throw new DryRunRollback();
    });
  } catch (e) {
    if (!(e instanceof DryRunRollback)) throw e;
  }
  if (!opts.dryRun) for (const r of results) await service.changed(r.tenant_id);
  if (opts.dryRun)
    for (const r of results) {
      delete r.secret_key;
      delete r.webhook_secret;
    }
  return { dir: absDir, dryRun: Boolean(opts.dryRun), results };
}

async function applyOne(
  em: Em,
  tenants: TenantRepository,
  service: TenantsService,
  file: string,
  input: TenantInput,
  prepared: PreparedTenant | undefined,
  ctx: WriteContext,
  createOnly: boolean,
): Promise<SyncResult> {
  const base = { file, sp_mchid: input.sp_mchid, sub_mchid: input.sub_mchid };
  const t = await tenants.findBySubMchid(input.sub_mchid, em);
  if (!t) {
    if (!prepared) throw new AppError('CONFLICT', 'the tenant disappeared during the sync; run it again');
    const { row } = await service.applyCreate(em, prepared, ctx);
    return {
      ...base,
      tenant_id: row.id,
      action: 'created',
      changes: [],
      secret_key: prepared.secrets.secret_key.secret_key,
      webhook_secret: prepared.secrets.webhook_secret.webhook_secret,
    };
  }
  if (t.spMchid !== input.sp_mchid) {
    // Same sub_mchid under another provider: the guard says why that is refused.
    await service.guardTenant(em, input);
  }
  // createOnly (the demo's start-up seeding): an existing tenant is the operators' now, whatever its file says.
  if (createOnly) return { ...base, tenant_id: t.id, action: 'unchanged', changes: [] };
  const changes = diff(t, await service.apps(em, t.id), input);
  const names = Object.keys(changes);
  if (!names.length) return { ...base, tenant_id: t.id, action: 'unchanged', changes: [] };
  await service.applyChanges(em, t, changes, ctx, 'tenant.sync_update');
  return { ...base, tenant_id: t.id, action: 'updated', changes: names };
}
