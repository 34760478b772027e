import 'reflect-metadata';
import express from 'express';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig, ConfigError } from '../config/load-config';
import { createLogger } from '../common/logger';
import { WxpaySimulator } from './simulator';

/**
 * `npm run simulator`: the WeChat Pay simulator alone on its own port (SIM_PORT, else PORT, else 3100), at the root like
 * api.mch.weixin.qq.com.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.log.level);
  const sim = new WxpaySimulator({
    clockSpeed: config.simulator.clockSpeed,
    stateDir: config.simulator.stateDir,
    refundAutoFinishMs:
      config.simulator.refundAutoFinishSeconds === undefined ? undefined : config.simulator.refundAutoFinishSeconds * 1000,
    logger,
  });
  const app = express();
  app.disable('x-powered-by');
  app.use(sim.router());
  const server = createServer(app);
  const port = Number(process.env.SIM_PORT ?? process.env.PORT ?? 3100);
  // Loopback by default: the control API has no authentication.
  const host = process.env.SIM_HOST ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  const base = `http://${host}:${(server.address() as AddressInfo).port}`;
  const p = sim.platform();
  console.log(`WeChat Pay simulator listening on ${base} (WXPAY_BASE_URL=${base})`);
  console.log(`  platform public key id: ${p.public_key_id}`);
  console.log(`  platform certificate serial: ${p.certificate_serial}`);
  console.log(`  public key and certificate PEMs: GET ${base}/control/platform`);
  console.log(`  register a service provider: POST ${base}/control/service-providers; a sub-merchant: POST ${base}/control/sub-merchants`);
  console.log('  control API reference: src/simulator/README.md');

  const stop = async () => {
    await sim.close();
    server.closeAllConnections();
    server.close(() => process.exit(0));
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((err) => {
  console.error(
    err instanceof ConfigError ? err.message : `simulator failed to start: ${err instanceof Error ? err.message : String(err)}`,
  );
  process.exit(1);
});
