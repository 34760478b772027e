/**
 * The standalone simulator's settings: command-line flags first, then variables, then defaults (the
 * defaults are the demo's: a minute of simulator time per second, keys kept under ./data, refunds
 * finishing by themselves after 60 simulator seconds). An embedding host passes
 * WxpaySimulatorOptions directly instead.
 */
export interface SimulatorConfig {
  /** `--port` / SIM_PORT / PORT; 0 picks a free port. */
  port: number;
  /** `--host` / SIM_HOST: loopback by default, because the control API has no authentication. */
  host: string;
  /** `--state` (or `--state-dir`) / SIMULATOR_STATE_DIR: where the keys and the state are kept across restarts; empty = memory only. */
  stateDir?: string;
  /** `--clock-speed` / SIM_CLOCK_SPEED: how much faster than the wall clock notification retries and refunds run. */
  clockSpeed: number;
  /** `--refund-auto-finish` / SIM_REFUND_AUTO_FINISH_SECONDS: simulator seconds after which a refund succeeds by itself; 0 = never. */
  refundAutoFinishSeconds?: number;
  /** LOG_LEVEL: fatal, error, warn, info, debug, trace or silent. */
  logLevel: string;
  /** `--merchants` / SIM_MERCHANTS_FILE: a JSON file of providers, sub-merchants and apps registered at every start (merchants-file.ts). */
  merchantsFile?: string;
  /** `--control-from` / SIM_CONTROL_FROM: `loopback` (default) or `any` (in a container whose port is published on loopback). */
  controlFrom: 'loopback' | 'any';
}

export class SimulatorConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SimulatorConfigError';
  }
}

const FLAGS: Record<string, string> = {
  '--port': 'SIM_PORT',
  '--host': 'SIM_HOST',
  '--state-dir': 'SIMULATOR_STATE_DIR',
  '--state': 'SIMULATOR_STATE_DIR',
  '--clock-speed': 'SIM_CLOCK_SPEED',
  '--refund-auto-finish': 'SIM_REFUND_AUTO_FINISH_SECONDS',
  '--control-from': 'SIM_CONTROL_FROM',
  '--merchants': 'SIM_MERCHANTS_FILE',
};
const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function numberOf(name: string, value: string, min: number, integer = false): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || (integer && !Number.isInteger(n)))
    throw new SimulatorConfigError(`${name} must be ${integer ? 'an integer' : 'a number'} >= ${min} (got "${value}")`);
  return n;
}

/** Reads the settings from `argv` (flags as `--port 0` or `--port=0`) and `env`; throws SimulatorConfigError listing what is wrong. */
export function simulatorConfig(argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): SimulatorConfig {
  const given: Record<string, string | undefined> = {};
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const name = FLAGS[flag];
    if (!name) throw new SimulatorConfigError(`unknown option ${flag} (options: ${Object.keys(FLAGS).join(', ')})`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new SimulatorConfigError(`${flag} needs a value`);
    given[name] = value;
  }
  const get = (name: string, ...fallbacks: string[]) =>
    given[name] ?? env[name] ?? fallbacks.map((f) => env[f]).find((v) => v !== undefined);
  const stateDir = get('SIMULATOR_STATE_DIR') ?? './data';
  const autoFinish = numberOf('SIM_REFUND_AUTO_FINISH_SECONDS', get('SIM_REFUND_AUTO_FINISH_SECONDS') ?? '60', 0);
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!LEVELS.includes(logLevel)) throw new SimulatorConfigError(`LOG_LEVEL must be one of ${LEVELS.join(', ')} (got "${logLevel}")`);
  const controlFrom = get('SIM_CONTROL_FROM') ?? 'loopback';
  if (controlFrom !== 'loopback' && controlFrom !== 'any')
    throw new SimulatorConfigError(`SIM_CONTROL_FROM must be loopback or any (got "${controlFrom}")`);
  return {
    controlFrom,
    merchantsFile: get('SIM_MERCHANTS_FILE') || undefined,
    port: numberOf('SIM_PORT', get('SIM_PORT', 'PORT') ?? '3100', 0, true),
    host: get('SIM_HOST') ?? '127.0.0.1',
    stateDir: stateDir || undefined,
    clockSpeed: numberOf('SIM_CLOCK_SPEED', get('SIM_CLOCK_SPEED') ?? '60', Number.MIN_VALUE),
    refundAutoFinishSeconds: autoFinish > 0 ? autoFinish : undefined,
    logLevel,
  };
}
