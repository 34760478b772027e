import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { connectRedis, RedisLockService } from '../../../src/platform/kv/redis';
import { RedisLink } from '../../../src/platform/kv/redis-link';
import { createLogger } from '../../../src/platform/logging/logger';
import { deleteRedisPrefix } from '../../support/app';

const url = process.env.REDIS_URL;

test(
  'When a Redis lock is held longer than its TTL, then it is renewed (nobody else gets in); a dead holder frees it after the TTL',
  { skip: !url && 'needs REDIS_URL' },
  async () => {
    const prefix = `test:${randomUUID()}:`;
    const redis = await connectRedis(url!);
    try {
      const locks = new RedisLockService(
        new RedisLink(redis, createLogger('silent'), { commandTimeoutMs: 2000, probeIntervalMs: 1000 }),
        prefix,
      );
      const order: string[] = [];
      const first = locks.withLock(
        'k',
        async () => {
          order.push('first in');
          await new Promise((r) => setTimeout(r, 3000));
          order.push('first out');
        },
        { ttlMs: 1000, waitMs: 10_000 },
      );
      await new Promise((r) => setTimeout(r, 100));
      const second = locks.withLock('k', async () => void order.push('second in'), { ttlMs: 1000, waitMs: 10_000 });
      await Promise.all([first, second]);
      assert.deepEqual(order, ['first in', 'first out', 'second in']);
      // A holder that died (kill -9) renews nothing: its lock is gone after the TTL.
      await redis.set(`${prefix}lock:dead`, 'someone-else', { PX: 300 });
      const started = Date.now();
      await locks.withLock('dead', async () => undefined, { ttlMs: 300, waitMs: 5000 });
      console.log(`# waited ${Date.now() - started} ms for a dead holder's 300 ms lock`);
    } finally {
      await redis.quit();
      await deleteRedisPrefix(url!, prefix);
    }
  },
);
