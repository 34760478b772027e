import { inject, injectable } from 'tsyringe';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { CredentialsProvider } from '@partnerpay/wxpay';
import { TOKENS } from '../../platform/tokens';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logging/logger';
import type { Config } from '../../platform/config/schema';
import type { Job } from '../../platform/jobs/jobs';
import { ServiceProvidersService } from '../tenancy';
import { ComplaintService } from './complaint.service';

const DAY = 86_400_000;
/** Beijing calendar date (YYYY-MM-DD) of an instant. */
const beijingDate = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
/** WeChat Pay's list spans at most 30 days (spec addendum §4.3). */
const SPAN_DAYS = 29;
/** Largest page the list allows. */
const PAGE = 50;

/** What one provider's sync did. */
export interface SyncResult {
  sp_mchid: string;
  listed: number;
  fetched: number;
  created: number;
  updated: number;
}

/**
 * Syncs each provider's complaint list from WeChat Pay every complaints.syncSeconds, so that a lost
 * notification loses no complaint: a lease row per provider (one guarded UPDATE) makes one node sync
 * it per interval; a listed complaint whose stored copy differs is fetched (detail + history) and
 * applied once. Then records complaint.overdue for unanswered complaints past respond_by.
 */
@injectable()
export class ComplaintFollower {
  /** This process's lease owner name. */
  readonly owner = `${hostname().slice(0, 40)}:${process.pid}:${randomBytes(4).toString('hex')}`;

  constructor(
    @inject(ComplaintService) private readonly service: ComplaintService,
    @inject(ServiceProvidersService) private readonly providers: ServiceProvidersService,
    @inject(TOKENS.Credentials) private readonly credentials: CredentialsProvider,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Config) private readonly config: Config,
    @inject(TOKENS.Logger) private readonly logger: Logger,
  ) {}

  /** One pass over every provider whose sync is due (or `force`: due now regardless of the interval). Answers what each did. */
  async runOnce(force = false): Promise<SyncResult[]> {
    const out: SyncResult[] = [];
    for (const spMchid of await this.providerIds()) {
      const now = this.clock.now();
      const every = force ? 0 : this.config.complaints.syncSeconds * 1000;
      if (!(await this.service.repo.claimSync(spMchid, now, this.config.complaints.leaseSeconds * 1000, every, this.owner))) continue;
      let error: string | null = null;
      try {
        out.push(await this.syncProvider(spMchid));
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
        this.logger.warn({ err, sp_mchid: spMchid }, 'complaint sync failed; retried next interval');
      } finally {
        await this.service.repo
          .releaseSync(spMchid, this.owner, this.clock.now(), error)
          .catch((e: unknown) => this.logger.error({ err: e, sp_mchid: spMchid }, 'releasing the complaint sync lease failed'));
      }
    }
    await this.service.markOverdue();
    return out;
  }

  private async syncProvider(spMchid: string): Promise<SyncResult> {
    const sp = await this.credentials.get(spMchid);
    const r: SyncResult = { sp_mchid: spMchid, listed: 0, fetched: 0, created: 0, updated: 0 };
    if (!sp) return r;
    const now = this.clock.now();
    const q = { begin_date: beijingDate(now - SPAN_DAYS * DAY), end_date: beijingDate(now), limit: PAGE };
    for (let offset = 0; ; offset += PAGE) {
      const page = await this.service.upstreamList(sp, { ...q, offset });
      for (const item of page.data ?? []) {
        r.listed++;
        if (await this.service.isCurrent(spMchid, item)) continue;
        r.fetched++;
        const { outcome } = await this.service.ingest(sp, item.complaint_id);
        if (outcome === 'created') r.created++;
        if (outcome === 'updated') r.updated++;
      }
      if (!page.data?.length || offset + PAGE >= page.total_count) break;
    }
    if (r.fetched) this.logger.info(r, 'complaint sync applied changes');
    return r;
  }

  private async providerIds(): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.providers.list(100, cursor);
      ids.push(...page.data.map((p) => p.sp_mchid));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    return ids;
  }

  job(): Job {
    return { name: 'complaints.sync', intervalMs: this.config.jobs.intervalMs, run: () => this.runOnce().then(() => undefined) };
  }
}
