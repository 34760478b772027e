import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connectRedis, RedisRateLimiter, type RedisClient } from '../../../src/platform/kv/redis';
import { RedisLink } from '../../../src/platform/kv/redis-link';
import { createLogger } from '../../../src/platform/logging/logger';
import { PrivateRedis } from '../../resilience/support/processes';

// The fixed-window limiter on a real Redis: the run's (REDIS_URL) or, without one, a private redis-server
// (which has never seen the limiter's script, so its first hit takes the EVAL fallback).
let upstream: { url: string; close(): Promise<void> } | undefined;
let skip: string | false = false;
let client: RedisClient;
let limiter: RedisRateLimiter;
const prefix = `pp-test-rl-${randomBytes(4).toString('hex')}:`;

before(async () => {
  if (process.env.REDIS_URL) upstream = { url: process.env.REDIS_URL, close: async () => undefined };
  else {
    const r = await PrivateRedis.create();
    if (typeof r === 'string') skip = r;
    else upstream = r;
  }
  if (!upstream) return;
  client = await connectRedis(upstream.url);
  limiter = new RedisRateLimiter(new RedisLink(client, createLogger('silent'), { commandTimeoutMs: 2000, probeIntervalMs: 1000 }), prefix);
});
after(async () => {
  if (client) {
    const keys = await client.keys(`${prefix}*`);
    if (keys.length) await client.del(keys);
    client.destroy();
  }
  await upstream?.close();
});

test('allows `limit` hits per window, then answers how long until the window ends', async (t) => {
  if (skip) return t.skip(skip);
  const results = [];
  for (let i = 0; i < 4; i++) results.push(await limiter.hit('orders:create:ten_a', 3, 60_000));
  assert.deepEqual(
    results.map((r) => [r.allowed, r.remaining]),
    [
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
    ],
  );
  assert.equal(results[0].retryAfterMs, 0);
  assert.ok(results[3].retryAfterMs > 0 && results[3].retryAfterMs <= 60_000, `retryAfterMs ${results[3].retryAfterMs}`);
  // The counter carries the window as its expiry, set by the first hit.
  const ttl = await client.pTTL(`${prefix}rl:orders:create:ten_a`);
  assert.ok(ttl > 0 && ttl <= 60_000, `pttl ${ttl}`);
  // Another key has its own window.
  assert.equal((await limiter.hit('orders:create:ten_b', 3, 60_000)).allowed, true);
});

test('a new window starts when the old one expires', async (t) => {
  if (skip) return t.skip(skip);
  assert.equal((await limiter.hit('short', 1, 200)).allowed, true);
  assert.equal((await limiter.hit('short', 1, 200)).allowed, false);
  // Bounded wait (10 s) for the 200 ms window to end; no timing is asserted.
  const deadline = Date.now() + 10_000;
  let again = false;
  while (!again && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    again = (await limiter.hit('short', 1, 200)).allowed;
  }
  assert.ok(again, 'the limit did not reset after its window');
});
