import type { Em } from '../db/orm';
import type { Table } from '../db/table';
import type { Logger } from '../logging/logger';
import type { Job } from './jobs';

/**
 * The follow-up job shape every background loop uses: CLAIM the due rows with a lease (a guarded
 * UPDATE per row, so with several nodes each row is worked by one), ACT on each (one row's failure
 * never stops the others), BACK OFF what is not finished (`backoffMs` over the loop's schedule).
 *
 * A new loop, in its module (see profit-sharing.follower.ts for a whole one):
 *
 *   const rows = await claimDue(db.read(), MY_TABLE, {
 *     due: `${MY_TABLE.col('state')} = ? and ${MY_TABLE.col('nextPollAt')} <= ?`, params: ['PENDING', now],
 *     lease: 'leaseUntil', now, leaseMs: 60_000, limit: 50, order: 'nextPollAt',
 *   });
 *   await actOnEach(rows, (row) => this.follow(row), { logger, what: 'following a thing', idOf: (r) => ({ thing_id: r.id }) });
 *   // then back off the unfinished, guarded on the claim (only while the lease is still ours):
 *   await MY_TABLE.update(em,
 *     { attempts: row.attempts + 1, nextPollAt: now + backoffMs(MY_SCHEDULE, row.attempts), leaseUntil: 0 },
 *     { id: row.id, leaseUntil: row.leaseUntil });
 *
 * and register `followUpJob('my-module.follow', intervalMs, () => this.runOnce())` with the module's jobs.
 * The lease column holds epoch ms: NULL or a time at or before `now` means free. The event
 * dispatcher keeps its own claim on MariaDB (SELECT ... FOR UPDATE SKIP LOCKED, its hot path's
 * throughput); on SQLite it is this same guarded UPDATE.
 */

/** What `claimDue` claims and how. */
export interface ClaimSpec<T> {
  /** SQL over the table's columns selecting the due rows (the lease condition is added), with `?` params. */
  due: string;
  params: readonly unknown[];
  /** The lease column (epoch ms; NULL or <= now is free). */
  lease: keyof T & string;
  now: number;
  /** How long the claim keeps other nodes off a row; longer than acting on one row can take. */
  leaseMs: number;
  limit: number;
  /** The property ordering the candidates (oldest due first). */
  order: keyof T & string;
  /** Columns written with the claim, e.g. a lease owner or an attempt count. */
  set?: (row: T) => Partial<T>;
  /** More columns the claim's UPDATE is guarded on (e.g. a state that must still hold). */
  guard?: Partial<T>;
}

/**
 * Claims up to `limit` due rows: selects the candidates, then takes each with one UPDATE guarded on
 * the lease value it read, so of concurrent claimers exactly one wins a row. Answers the rows won,
 * as they are after the claim.
 */
export async function claimDue<T extends { id: string }>(em: Em, table: Table<T>, spec: ClaimSpec<T>): Promise<T[]> {
  const lease = table.col(spec.lease);
  const due = await table.select(
    em,
    `(${spec.due}) and (${lease} is null or ${lease} <= ?)`,
    [...spec.params, spec.now],
    `order by ${table.col(spec.order)} limit ${Number(spec.limit)}`,
  );
  const claimed: T[] = [];
  for (const row of due) {
    const set = { ...spec.set?.(row), [spec.lease]: spec.now + spec.leaseMs } as Partial<T>;
    const guard = { ...spec.guard, id: row.id, [spec.lease]: row[spec.lease] ?? null } as never;
    if ((await table.update(em, set, guard)) === 1) claimed.push({ ...row, ...set });
  }
  return claimed;
}

/**
 * The wait before the next try after `attempt` tries (0-based) of a schedule: its step, the last step
 * repeating. The one backoff function of every loop; the loops differ only in their schedules.
 */
export function backoffMs(schedule: readonly number[], attempt: number): number {
  return schedule[Math.max(0, Math.min(Math.floor(attempt), schedule.length - 1))];
}

/** A doubling schedule from `firstMs` up to `maxMs`: exponentialSchedule(15_000, 60_000) → [15 s, 30 s, 60 s]. */
export function exponentialSchedule(firstMs: number, maxMs: number): readonly number[] {
  const out: number[] = [];
  for (let ms = firstMs; ms < maxMs; ms *= 2) out.push(ms);
  out.push(maxMs);
  return out;
}

/**
 * Acts on each claimed row in turn; a row whose act throws is logged (warn) and, when given,
 * handed to `failed` (e.g. to back it off), and the next row goes on. Answers how many acts succeeded.
 */
export async function actOnEach<T>(
  rows: readonly T[],
  act: (row: T) => Promise<unknown>,
  opts: { logger: Logger; what: string; idOf: (row: T) => Record<string, unknown>; failed?: (row: T, err: unknown) => Promise<unknown> },
): Promise<number> {
  let ok = 0;
  for (const row of rows) {
    try {
      await act(row);
      ok++;
    } catch (err) {
      opts.logger.warn({ err, ...opts.idOf(row) }, `${opts.what} failed; retried later`);
      if (opts.failed)
        await opts
          .failed(row, err)
          .catch((e: unknown) => opts.logger.error({ err: e, ...opts.idOf(row) }, `${opts.what}: backing off failed`));
    }
  }
  return ok;
}

/** A follow-up loop as a Job for the JobRunner (runs never overlap). */
export function followUpJob(name: string, intervalMs: number, runOnce: () => Promise<unknown>): Job {
  return { name, intervalMs, run: async () => void (await runOnce()) };
}
