import express from 'express';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { simulatorConfig, SimulatorConfigError } from './config';
import { WxpaySimulator } from './simulator';
import { readMerchantsFile } from './merchants-file';

/**
 * `wxpay-simulator` (`npm run simulator` in partnerpay): the WeChat Pay simulator alone on its own
 * port (`--port`, SIM_PORT, else PORT, else 3100), at the root like api.mch.weixin.qq.com.
 */
async function main(): Promise<void> {
  const config = simulatorConfig();
  const logger = pino({ level: config.logLevel, base: undefined, timestamp: pino.stdTimeFunctions.isoTime });
  const sim = new WxpaySimulator({
    clockSpeed: config.clockSpeed,
    stateDir: config.stateDir,
    controlFrom: config.controlFrom,
    refundAutoFinishMs: config.refundAutoFinishSeconds === undefined ? undefined : config.refundAutoFinishSeconds * 1000,
    logger,
  });
  if (config.merchantsFile) {
    const m = readMerchantsFile(config.merchantsFile);
    for (const p of m.service_providers) sim.registerServiceProvider(p);
    for (const sub of m.sub_merchants) sim.registerSubMerchant(sub);
    for (const a of m.apps) sim.login.registerApp(a);
    const counts = `${m.service_providers.length} providers, ${m.sub_merchants.length} sub-merchants, ${m.apps.length} apps`;
    console.log(`  registered from ${config.merchantsFile}: ${counts}`);
  }
  const app = express();
  app.disable('x-powered-by');
  app.use(sim.router());
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(config.port, config.host, resolve));
  const base = `http://${config.host}:${(server.address() as AddressInfo).port}`;
  const p = sim.platform();
  console.log(`WeChat Pay simulator listening on ${base} (WXPAY_BASE_URL=${base})`);
  console.log(`  platform public key id: ${p.public_key_id}`);
  console.log(`  platform certificate serial: ${p.certificate_serial}`);
  console.log(`  public key and certificate PEMs: GET ${base}/control/platform`);
  console.log(`  register a service provider: POST ${base}/control/service-providers; a sub-merchant: POST ${base}/control/sub-merchants`);
  console.log('  control API reference: the README of @partnerpay/wxpay-simulator (packages/wxpay-simulator/README.md)');

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
    err instanceof SimulatorConfigError ? err.message : `simulator failed to start: ${err instanceof Error ? err.message : String(err)}`,
  );
  process.exit(1);
});
