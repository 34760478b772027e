import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { controlBodies } from './routes/control-schemas';
import { SimulatorConfigError } from './config';

/**
 * The merchants file (`--merchants merchants.json`): what the control API's /service-providers,
 * /sub-merchants and /apps would register, as one JSON document registered at every start (an upsert:
 * what the control API changed later is overwritten by the file at the next start).
 */
export const merchantsFileSchema = z.object({
  service_providers: z.array(controlBodies.serviceProvider).default([]),
  sub_merchants: z.array(controlBodies.subMerchant).default([]),
  apps: z.array(controlBodies.app).default([]),
});
export type MerchantsFile = z.infer<typeof merchantsFileSchema>;

/** Reads and checks the file; throws SimulatorConfigError naming the file and the field. */
export function readMerchantsFile(path: string): MerchantsFile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new SimulatorConfigError(`merchants file ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const r = merchantsFileSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new SimulatorConfigError(`merchants file ${path}: /${issue.path.map(String).join('/')}: ${issue.message}`);
  }
  return r.data;
}
