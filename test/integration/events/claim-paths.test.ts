import 'reflect-metadata';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { isolatedDatabase } from '../../support/isolated-database';
import { testDatabaseUrl } from '../../support/app';
import { dialectOf, openDatabase, type Orm } from '../../../src/app/schema';
import { Database } from '../../../src/platform/db/database';
import { EventRepository, type ClaimPath } from '../../../src/modules/events/event.repository';
import type { EventRecord } from '../../../src/modules/events/event.entity';

/*
 * Each claim path of the outbox dispatcher, on the dialect this run uses (SQLite without
 * DATABASE_URL, MariaDB with it): concurrent claimers over the same due events never claim one event
 * twice, and together they claim every one. On MariaDB each claimer is its own ORM and pool, as two
 * processes would be; SQLite serves one process, so its claimers share one ORM and interleave on it.
 * The guarded UPDATE runs on both dialects; SKIP LOCKED exists only on MariaDB.
 */

let db: Awaited<ReturnType<typeof isolatedDatabase>>;
const orms: Orm[] = [];
const claimers: EventRepository[] = [];
const mysql = () => dialectOf(db.url) === 'mysql';
const seed = Number(process.env.CLAIM_SEED ?? Date.now() % 100_000);
let n = 0;

before(async () => {
  console.log(`# claim-paths seed ${seed} (CLAIM_SEED to replay)`);
  db = await isolatedDatabase();
  const first = await openDatabase(db.url, { migrate: false });
  orms.push(first);
  for (let i = 0; i < 4; i++) {
    const orm = mysql() ? await openDatabase(db.url, { migrate: false }) : first;
    if (orm !== first) orms.push(orm);
    claimers.push(new EventRepository(new Database(orm)));
  }
});
after(async () => {
  for (const o of orms) await o.close(true);
  await db.drop();
});

/** A tiny seeded PRNG (mulberry32), so the batch sizes of a failing run can be replayed. */
function prng(s: number): () => number {
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function givenDueEvents(count: number, now: number): Promise<string[]> {
  const repo = claimers[0];
  const ids: string[] = [];
  await repo.db.tx(async (em) => {
    for (let i = 0; i < count; i++) {
      const id = `evt_claim_${seed}_${++n}`;
      const e: EventRecord = {
        id,
        tenantId: 'ten_claim',
        type: 'order.paid',
        payload: '{}',
        status: 'pending',
        attempts: 0,
        retryBase: 0,
        nextAttemptAt: now - 1000 + i,
        lastAttemptAt: null,
        lastStatus: null,
        lastError: null,
        deliveredAt: null,
        createdAt: now - 1000,
      };
      await repo.insert(em, e);
      ids.push(id);
    }
  });
  return ids;
}

async function claimAllConcurrently(path: ClaimPath, now: number): Promise<string[]> {
  const rnd = prng(seed);
  const claimed: string[] = [];
  for (let round = 0; round < 200; round++) {
    // Every claimer asks at the same moment, each for a batch of its own size.
    const batches = await Promise.all(claimers.map((c) => c.claimVia(path, now, now + 60_000, 1 + Math.floor(rnd() * 7))));
    const got = batches.flat().map((e) => e.id);
    if (got.length === 0) return claimed;
    claimed.push(...got);
  }
  assert.fail('claiming did not finish within 200 rounds');
}

const paths: Array<{ path: ClaimPath; name: string; onlyMysql: boolean }> = [
  { path: 'guarded', name: 'guarded UPDATE', onlyMysql: false },
  { path: 'skip_locked', name: 'SELECT ... FOR UPDATE SKIP LOCKED', onlyMysql: true },
];

for (const p of paths)
  test(
    `When four claimers claim the same due events at once through the ${p.name} path, then no event is claimed twice and none is left`,
    { skip: p.onlyMysql && dialectOf(testDatabaseUrl()) !== 'mysql' && 'SQLite has no row locks' },
    async () => {
      const now = Date.UTC(2026, 10, 26, 3, 0, 0) + n * 10_000_000;
      const ids = await givenDueEvents(60, now);
      const claimed = await claimAllConcurrently(p.path, now);
      const mine = claimed.filter((id) => ids.includes(id));
      assert.equal(new Set(mine).size, mine.length, `no event claimed twice (seed ${seed})`);
      assert.deepEqual([...mine].sort(), [...ids].sort(), 'every due event claimed once');
      // Each claim counted one attempt and leased the event: none of them is due again now.
      const rows = await claimers[0].claimVia('guarded', now, now + 60_000, 100);
      assert.deepEqual(
        rows.filter((r) => ids.includes(r.id)),
        [],
      );
      for (const id of ids) assert.equal((await claimers[0].findById(id))?.attempts, 1, id);
    },
  );

test('When the dialect is known, then the dispatcher claims through its path (SKIP LOCKED on MariaDB, guarded on SQLite)', () => {
  assert.equal(claimers[0].claimPath(), mysql() ? 'skip_locked' : 'guarded');
  if (!mysql()) assert.throws(() => claimers[0].claimVia('skip_locked', 0, 0, 1), /SKIP LOCKED/);
});
