import 'reflect-metadata';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import type { Config } from '../platform/config/schema';
import { TOKENS } from '../platform/tokens';
import { createLogger, type Logger } from '../platform/logging/logger';
import { systemClock, type Clock } from '../platform/clock';
import { openDatabase, type Orm } from './schema';
import { Database } from '../platform/db/database';
import { MemoryKeyValueStore, MemoryLockService, MemoryRateLimiter } from '../platform/kv/memory';
import { connectRedis, RedisKeyValueStore, RedisLockService, RedisRateLimiter, type RedisClient } from '../platform/kv/redis';
import { RedisLink } from '../platform/kv/redis-link';
import { DegradableKeyValueStore, DegradableLockService, DegradableRateLimiter } from '../platform/kv/degradable';
import { JobRunner } from '../platform/jobs/jobs';
import { Lifecycle } from '../platform/lifecycle';
import type { AppModule } from '../platform/module';
import { MODULES } from './modules';

export interface BuildOptions {
  logger?: Logger;
  clock?: Clock;
  /** Replace the module list (tests add a probe module, or wire only some). */
  modules?: AppModule[];
  /** The process's lifecycle when main.ts made it first (its listener answers 503 until start() is done). */
  lifecycle?: Lifecycle;
  /** Last-word registrations: tests override any token here. */
  override?: (c: DependencyContainer) => void;
}

/** The composition root's product: the container plus the lifecycle of what it holds. */
export interface AppContainer {
  container: DependencyContainer;
  config: Config;
  modules: AppModule[];
  /** starting → ready (after start) → draining (close, or main.ts on a signal); /readyz reads it. */
  lifecycle: Lifecycle;
  /** Runs the modules' start-up work and, when enabled, the background jobs. */
  start(): Promise<void>;
  /** Stops jobs, then closes Redis and the database. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * The composition root: the only place that binds infrastructure (config, logger, database, Redis
 * or its stand-ins) and asks each module to bind its own services. Each call makes a fresh child
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
    createDatabase: config.profile !== 'production',
    log: (message) => logger.info({ component: 'orm' }, message),
  });
  c.register(TOKENS.Orm, { useValue: orm });
  c.register(TOKENS.Db, { useValue: new Database(orm) });

  let redis: RedisClient | undefined;
  let link: RedisLink | undefined;
  try {
    if (config.redis.url) {
      redis = await connectRedis(config.redis.url, config.redis.startTimeoutMs);
      // Redis saves work, never takes payments down: while it is away each use falls back (see degradable.ts).
      link = new RedisLink(redis, logger, {
        commandTimeoutMs: config.redis.commandTimeoutMs,
        probeIntervalMs: config.redis.probeIntervalMs,
      });
      const prefix = config.redis.keyPrefix;
      c.register(RedisLink, { useValue: link });
      c.register(TOKENS.Kv, { useValue: new DegradableKeyValueStore(link, new RedisKeyValueStore(link, prefix)) });
      c.register(TOKENS.Locks, { useValue: new DegradableLockService(link, new RedisLockService(link, prefix)) });
      c.register(TOKENS.RateLimiter, { useValue: new DegradableRateLimiter(link, new RedisRateLimiter(link, prefix)) });
    } else {
      c.register(TOKENS.Kv, { useValue: new MemoryKeyValueStore() });
      c.register(TOKENS.Locks, { useValue: new MemoryLockService() });
      c.register(TOKENS.RateLimiter, { useValue: new MemoryRateLimiter() });
    }
  } catch (e) {
    await orm.close(true);
    throw e;
  }

  const modules = opts.modules ?? MODULES;
  for (const f of modules) f.register?.(c);
  opts.override?.(c);

  const jobs = new JobRunner(
    modules.flatMap((f) => f.jobs?.(c) ?? []),
    logger,
  );
  let closed = false;
  return {
    container: c,
    config,
    modules,
    lifecycle,
    async start() {
      for (const f of modules) await f.onStart?.(c);
      if (config.jobs.enabled) jobs.start();
      lifecycle.ready();
    },
    async close() {
      if (closed) return;
      closed = true;
      lifecycle.drain();
      await jobs.stop();
      for (const f of [...modules].reverse())
        await f.onStop?.(c).catch((err) => logger.error({ err, module: f.name }, 'module stop failed'));
      link?.close();
      if (redis) await redis.quit().catch(() => undefined);
      await orm.close(true);
    },
  };
}
