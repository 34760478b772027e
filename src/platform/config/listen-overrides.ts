import type { DeepPartial } from './load-config';
import type { Config } from './schema';

type Env = Record<string, string | undefined>;

/**
 * What the demo's configuration becomes once the server listens on `port`: with the embedded
 * simulator and no PUBLIC_BASE_URL of the operator's, the public base URL (every notify_url) follows
 * the port actually listened on, so `PORT=4000 npm start` pays like the default; WeChat Pay and
 * WeChat's login API (unset) are the embedded simulator on that port.
 */
export function listenOverrides(config: Config, env: Env, port: number): DeepPartial<Config> {
  if (!config.simulator.embedded) return {};
  const host = ['0.0.0.0', '::', ''].includes(config.server.host) ? '127.0.0.1' : config.server.host;
  const self = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const sim = `${self}${config.simulator.mountPath}`;
  const out: DeepPartial<Config> = {};
  if (!env.PUBLIC_BASE_URL) out.server = { publicBaseUrl: self };
  if (!config.wxpay.baseUrl) out.wxpay = { baseUrl: sim };
  if (!config.wechatApi.baseUrl) out.wechatApi = { baseUrl: sim };
  return out;
}
