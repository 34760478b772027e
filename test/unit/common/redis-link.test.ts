import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { ClientOfflineError } from 'redis';
import { RedisAwayError, RedisLink } from '../../../src/platform/kv/redis-link';
import { DegradableLockService, DegradableRateLimiter } from '../../../src/platform/kv/degradable';
import type { LockService, RateLimiter } from '../../../src/platform/kv/kv';
import { createLogger } from '../../../src/platform/logging/logger';

/** A stand-in node-redis client whose PING the test decides: answers, refuses (offline) or never answers (stalled). */
class FakeClient extends EventEmitter {
  mode: 'up' | 'offline' | 'stalled' = 'up';
  ping(): Promise<string> {
    if (this.mode === 'offline') return Promise.reject(new ClientOfflineError());
    if (this.mode === 'stalled') return new Promise(() => undefined);
    return Promise.resolve('PONG');
  }
}

function linkWith(client: FakeClient, lines: Array<Record<string, unknown>>): RedisLink {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return new RedisLink(client as never, createLogger('info', sink), { commandTimeoutMs: 50, probeIntervalMs: 20 });
}

const until = async (what: string, ok: () => boolean) => {
  for (const end = Date.now() + 5000; !ok(); await new Promise((r) => setTimeout(r, 10)))
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
};

test('When Redis stalls, then a command gives up after the command timeout, the link is away (one log line), and back (one line) once PING answers', async () => {
  const client = new FakeClient();
  const lines: Array<Record<string, unknown>> = [];
  const link = linkWith(client, lines);
  try {
    assert.equal(await link.run((c) => c.ping()), 'PONG');
    client.mode = 'stalled';
    await assert.rejects(
      link.run((c) => c.ping()),
      (e: unknown) => e instanceof RedisAwayError && /no answer within 50 ms/.test(e.message),
    );
    assert.equal(link.state, 'away');
    // While away nothing is tried: the answer is immediate.
    await assert.rejects(
      link.run(() => new Promise(() => undefined)),
      RedisAwayError,
    );
    client.mode = 'up';
    await until('back', () => link.state === 'up');
    assert.deepEqual(
      lines.filter((l) => l.component === 'redis').map((l) => l.redis),
      ['away', 'up'],
    );
    assert.equal(link.transitionCount, 2);
  } finally {
    link.close();
  }
});

test('When the lock cannot be taken because Redis is away, then the per-process lock runs it; when the work itself fails, it is not run again', async () => {
  const client = new FakeClient();
  const link = linkWith(client, []);
  try {
    const refusing: LockService = { withLock: () => Promise.reject(new RedisAwayError('Redis is away')) };
    const locks = new DegradableLockService(link, refusing);
    let runs = 0;
    assert.equal(await locks.withLock('k', async () => ++runs), 1);
    assert.equal(link.fallbackCounts().get('lock'), 1);

    // A shared lock that was taken, then the work failed (whatever the error): one run, the error surfaces.
    const taking: LockService = { withLock: (_k, fn) => fn() };
    const shared = new DegradableLockService(link, taking);
    runs = 0;
    await assert.rejects(
      shared.withLock('k', async () => {
        runs++;
        throw new RedisAwayError('from inside the work');
      }),
      /from inside the work/,
    );
    assert.equal(runs, 1);
  } finally {
    link.close();
  }
});

test('When Redis is away, then the rate limit still counts (per process): over the limit is refused, under it allowed', async () => {
  const client = new FakeClient();
  const link = linkWith(client, []);
  try {
    link.markAway('test');
    const never: RateLimiter = { hit: () => Promise.reject(new Error('must not be asked while away')) };
    const limiter = new DegradableRateLimiter(link, never);
    const allowed = [];
    for (let i = 0; i < 4; i++) allowed.push((await limiter.hit('orders:t1', 3, 60_000)).allowed);
    assert.deepEqual(allowed, [true, true, true, false]);
    assert.equal((await limiter.hit('orders:t2', 3, 60_000)).allowed, true, 'another key has its own count');
  } finally {
    link.close();
  }
});
