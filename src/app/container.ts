import 'reflect-metadata';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import type { Config } from './config/schema';
import { TOKENS } from './common/tokens';
import { createLogger, type Logger } from './common/logger';
import { systemClock, type Clock } from './common/clock';
import { openDatabase, type Orm } from './common/db/orm';
import { Database } from './common/db/database';
import { MemoryKeyValueStore, MemoryLockService, MemoryRateLimiter } from './common/kv/memory';
import { connectRedis, RedisKeyValueStore, RedisLockService, RedisRateLimiter, type RedisClient } from './common/kv/redis';
import { JobRunner } from './common/jobs';
import { Lifecycle } from './common/lifecycle';
import type { Feature } from './common/feature';
import { FEATURES } from './features';

export interface BuildOptions {
  logger?: Logger;
  clock?: Clock;
  /** Replace the feature list (tests of one feature). */
  features?: Feature[];
  /** The process's lifecycle when main.ts made it first (its listener answers 503 until start() is done). */
  lifecycle?: Lifecycle;
  /** Last-word registrations: tests override any token here. */
  override?: (c: DependencyContainer) => void;
}

/** The composition root's product: the container plus the lifecycle of what it holds. */
export interface AppContainer {
  container: DependencyContainer;
  config: Config;
  features: Feature[];
  /** starting → ready (after start) → draining (close, or main.ts on a signal); /readyz reads it. */
  lifecycle: Lifecycle;
  /** Runs feature start-up work and, when enabled, the background jobs. */
  start(): Promise<void>;
  /** Stops jobs, then closes Redis and the database. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * The composition root: the only place that binds infrastructure (config, logger, database, Redis
 * or its stand-ins) and asks each feature to bind its own services. Each call makes a fresh child
 * container, so tests get isolated graphs.
 */
export async function buildContainer(config: Config, opts: BuildOptions = {}): Promise<AppContainer> {
  const c = rootContainer.createChildContainer();
  const logger = opts.logger ?? createLogger(config.log.level);
  c.register(TOKENS.Config, { useValue: config });
  c.register(TOKENS.Logger, { useValue: logger });
  c.register(TOKENS.Clock, { useValue: opts.clock ?? systemClock });
  const lifecycle = opts.lifecycle ?? new Lifecycle();
  c.register(Lifecycle, { useValue: lifecycle });

  const orm: Orm = await openDatabase(config.db.url, {
    poolMax: config.db.poolMax,
    debug: config.db.debug,
    migrate: config.db.migrateOnStart,
    log: (message) => logger.info({ component: 'orm' }, message),
  });
  c.register(TOKENS.Orm, { useValue: orm });
  c.register(TOKENS.Db, { useValue: new Database(orm) });

  let redis: RedisClient | undefined;
  try {
    if (config.redis.url) {
      redis = await connectRedis(config.redis.url, config.redis.startTimeoutMs);
      c.register(TOKENS.Kv, { useValue: new RedisKeyValueStore(redis, config.redis.keyPrefix) });
      c.register(TOKENS.Locks, { useValue: new RedisLockService(redis, config.redis.keyPrefix) });
      c.register(TOKENS.RateLimiter, { useValue: new RedisRateLimiter(redis, config.redis.keyPrefix) });
    } else {
      c.register(TOKENS.Kv, { useValue: new MemoryKeyValueStore() });
      c.register(TOKENS.Locks, { useValue: new MemoryLockService() });
      c.register(TOKENS.RateLimiter, { useValue: new MemoryRateLimiter() });
    }
  } catch (e) {
    await orm.close(true);
    throw e;
  }

  const features = opts.features ?? FEATURES;
  for (const f of features) f.register?.(c);
  opts.override?.(c);

  const jobs = new JobRunner(
    features.flatMap((f) => f.jobs?.(c) ?? []),
    logger,
  );
  let closed = false;
  return {
    container: c,
    config,
    features,
    lifecycle,
    async start() {
      for (const f of features) await f.onStart?.(c);
      if (config.jobs.enabled) jobs.start();
      lifecycle.ready();
    },
    async close() {
      if (closed) return;
      closed = true;
      lifecycle.drain();
      await jobs.stop();
      for (const f of [...features].reverse())
        await f.onStop?.(c).catch((err) => logger.error({ err, feature: f.name }, 'feature stop failed'));
      if (redis) await redis.quit().catch(() => undefined);
      await orm.close(true);
    },
  };
}
