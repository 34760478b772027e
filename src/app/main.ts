import 'reflect-metadata';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig, ConfigError } from '../platform/config/load-config';
import { listenOverrides } from '../platform/config/listen-overrides';
import { buildContainer } from './container';
import { buildApp } from './app';
import { createLogger, prettyDestination } from '../platform/logging/logger';
import { Lifecycle } from '../platform/lifecycle';

/** Process entry: config, container, listen, graceful shutdown. */
async function main(): Promise<void> {
  let config = loadConfig();
  const logger = createLogger(config.log.level, config.log.pretty ? prettyDestination() : undefined);
  // The handler is attached before listening: a request during start-up or shutdown gets 503, never a hang.
  const lifecycle = new Lifecycle();
  const server = createServer(lifecycle.listener);
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(config.server.port, config.server.host, resolve)).catch(
    (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EADDRINUSE') throw err;
      throw new Error(
        `port ${config.server.port} on ${config.server.host} is already in use (another partnerpay?): stop that process, ` +
          `or set PORT to a free port, e.g. PORT=${config.server.port + 1} npm start`,
      );
    },
  );
  const port = (server.address() as AddressInfo).port;
  // The demo talks to its own embedded simulator over real HTTP, exactly as it would to WeChat Pay (and to WeChat's
  // login API, jscode2session, which the simulator serves too), and its notify URLs follow the port listened on.
  const overrides = listenOverrides(config, process.env, port);
  if (Object.keys(overrides).length) config = loadConfig(process.env, overrides);
  const app = await buildContainer(config, { logger, lifecycle });
  const handler = buildApp(app);
  await app.start();
  lifecycle.ready(handler);
  logger.info(
    {
      port,
      host: config.server.host,
      profile: config.profile,
      database: config.db.url.replace(/\/\/[^@]*@/, '//***@'),
      redis: Boolean(config.redis.url),
      wxpay: config.wxpay.baseUrl,
      public_base_url: config.server.publicBaseUrl,
    },
    'partnerpay listening',
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // /readyz answers 503 from now on, and new requests get 503 SERVICE_UNAVAILABLE (one lifecycle for both).
    lifecycle.drain();
    const force = setTimeout(() => process.exit(1), (config.server.shutdownGraceSeconds + 5) * 1000).unref();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
      setTimeout(() => server.closeAllConnections(), config.server.shutdownGraceSeconds * 1000).unref();
    });
    await app.close();
    clearTimeout(force);
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  if (err instanceof ConfigError) {
    console.error(err.message);
  } else {
    console.error('partnerpay failed to start:', err instanceof Error ? err.message : err);
  }
  process.exit(1);
});
