import 'reflect-metadata';
import { createServer, type Server } from 'node:http';
import { answerSlowClients, DEFAULT_SERVER_LIMITS, serverOptions, type ServerLimits } from '../../src/platform/http/server-limits';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type express from 'express';
import { loadConfig, merge, type DeepPartial } from '../../src/platform/config/load-config';
import type { Config } from '../../src/platform/config/schema';
import { buildContainer, type AppContainer, type BuildOptions } from '../../src/app/container';
import { buildApp } from '../../src/app/app';
import { connectRedis } from '../../src/platform/kv/redis';
import { ContractChecker } from './contract';

export interface TestApp {
  /** The express app, for supertest. */
  http: express.Application;
  /** Holds every answer to /openapi.json; close() fails the file on a violation. */
  contract: ContractChecker;
  /** The real listener (WeChat Pay notifications and the embedded simulator need one). */
  server: Server;
  baseUrl: string;
  app: AppContainer;
  config: Config;
  close(): Promise<void>;
}

/** The database tests use: the run's migrated MariaDB (CI) or a private in-memory SQLite. */
export function testDatabaseUrl(): string {
  return process.env.TEST_DATABASE_URL ?? 'sqlite::memory:';
}

/**
 * Starts the whole application for one test file: real listener on port 0, the embedded simulator
 * at /simulator, the run's database, Redis under a key prefix of its own (removed on close).
 */
export async function startTestApp(overrides: DeepPartial<Config> = {}, opts: BuildOptions = {}): Promise<TestApp> {
  // The listener exists before the configuration (which needs its port): its limits come from the overrides.
  const server = createServer(serverOptions({ ...DEFAULT_SERVER_LIMITS, ...(overrides.server as Partial<ServerLimits> | undefined) }));
  answerSlowClients(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const keyPrefix = `test:${randomUUID()}:`;
  const base: DeepPartial<Config> = {
    profile: 'test',
    server: { publicBaseUrl: baseUrl },
    db: { url: testDatabaseUrl(), migrateOnStart: false },
    redis: { url: process.env.REDIS_URL, keyPrefix },
    wxpay: { baseUrl: `${baseUrl}/simulator` },
  };
  const config = loadConfig({}, merge(base as Record<string, unknown>, overrides as Record<string, unknown>) as DeepPartial<Config>);
  const app = await buildContainer(config, opts);
  // The checker needs the document the app serves, so it starts watching once the app is built.
  const watch: { contract?: ContractChecker } = {};
  const http = buildApp(app, (req, res, next) => (watch.contract ? watch.contract.middleware()(req, res, next) : next()));
  server.on('request', http);
  const contract = new ContractChecker((await (await fetch(`${baseUrl}/openapi.json`)).json()) as Record<string, unknown>);
  watch.contract = contract;
  await app.start();
  return {
    http,
    server,
    baseUrl,
    app,
    config,
    contract,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await app.close();
      if (process.env.REDIS_URL) await deleteRedisPrefix(process.env.REDIS_URL, keyPrefix);
      contract.flush();
      contract.failOnViolations();
    },
  };
}

/** Deletes only this test's keys: never FLUSHALL a shared Redis. */
export async function deleteRedisPrefix(url: string, prefix: string): Promise<void> {
  const redis = await connectRedis(url);
  try {
    for await (const keys of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
      const list = (Array.isArray(keys) ? keys : [keys]) as string[];
      if (list.length) await redis.del(list);
    }
  } finally {
    await redis.quit();
  }
}

/** A unique suffix for ids in one test (files run in parallel against one database). */
export function unique(len = 8): string {
  return randomUUID().replace(/-/g, '').slice(0, len);
}

/** A unique 10-digit merchant number (sp_mchid / sub_mchid are 8-10 digits). */
export function uniqueMchid(): string {
  return String(1_000_000_000 + Math.floor(Math.random() * 8_999_999_999)).slice(0, 10);
}
