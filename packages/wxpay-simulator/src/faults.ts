import { ControlError } from './errors';

/** Faults on API calls: the next `count` calls (whose path starts with `path_prefix`, when given) misbehave. */
export type ApiFault =
  | { kind: 'http_500'; count?: number; path_prefix?: string }
  /**
   * Hang for `hang_ms` (real ms, default 60000) then drop the connection; `processed` (default true) applies the request first,
   * like a timeout after WeChat Pay did the work.
   */
  | { kind: 'timeout'; count?: number; path_prefix?: string; hang_ms?: number; processed?: boolean }
  | { kind: 'bad_signature'; count?: number; path_prefix?: string }
  /** Wechatpay-Timestamp shifted by `skew_seconds` (default 600). */
  | { kind: 'clock_skew'; count?: number; path_prefix?: string; skew_seconds?: number }
  /** The answer comes after `delay_ms` real ms (at most 60000); the request is processed normally. */
  | { kind: 'latency'; count?: number; path_prefix?: string; delay_ms: number };

/** Faults on notifications: they apply to the next `count` notifications (of `event_type`, when given). */
export type NotificationFault =
  /** Each delivery attempt is sent `times` times concurrently. */
  | { kind: 'duplicate_notifications'; count?: number; times: number; event_type?: string }
  /** The first delivery waits `delay_ms` of simulator time (out of order: a query sees SUCCESS first). */
  | { kind: 'delay_notifications'; count?: number; delay_ms: number; event_type?: string }
  /** The first attempt carries a `WECHATPAY/SIGNTEST/` probe signature; the retries are signed properly. */
  | { kind: 'signtest_notifications'; count?: number; event_type?: string }
  /** The notification is never sent (no attempt, no retry): only a query finds the new state. */
  | { kind: 'drop_notifications'; count?: number; event_type?: string };

export type FaultSpec = ApiFault | NotificationFault;
export type ActiveFault = FaultSpec & { id: string; remaining: number };

const API_KINDS = new Set(['http_500', 'timeout', 'bad_signature', 'clock_skew', 'latency']);
const NOTIFY_KINDS = new Set(['duplicate_notifications', 'delay_notifications', 'signtest_notifications', 'drop_notifications']);

/** Checks a fault spec from the control API; throws ControlError 400 naming the problem. */
export function parseFault(input: unknown): FaultSpec {
  const f = input as Record<string, unknown> | null;
  if (!f || typeof f !== 'object' || typeof f.kind !== 'string' || !(API_KINDS.has(f.kind) || NOTIFY_KINDS.has(f.kind))) {
    throw new ControlError(400, 'PARAM_ERROR', `kind must be one of ${[...API_KINDS, ...NOTIFY_KINDS].join(', ')}`);
  }
  const posInt = (k: string, required = false) => {
    const v = f[k];
    if (v === undefined && !required) return;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
      throw new ControlError(400, 'PARAM_ERROR', `${k} must be a non-negative integer`);
  };
  posInt('count');
  if (f.count === 0) throw new ControlError(400, 'PARAM_ERROR', 'count must be at least 1');
  if (f.path_prefix !== undefined && (typeof f.path_prefix !== 'string' || !f.path_prefix.startsWith('/')))
    throw new ControlError(400, 'PARAM_ERROR', 'path_prefix must start with /');
  if (f.kind === 'timeout') posInt('hang_ms');
  if (f.kind === 'clock_skew' && f.skew_seconds !== undefined && (typeof f.skew_seconds !== 'number' || !Number.isInteger(f.skew_seconds)))
    throw new ControlError(400, 'PARAM_ERROR', 'skew_seconds must be an integer');
  if (f.kind === 'duplicate_notifications') {
    posInt('times', true);
    if ((f.times as number) < 1 || (f.times as number) > 50) throw new ControlError(400, 'PARAM_ERROR', 'times must be 1..50');
  }
  if (f.kind === 'delay_notifications') posInt('delay_ms', true);
  if (f.kind === 'latency') {
    posInt('delay_ms', true);
    if ((f.delay_ms as number) > 60_000) throw new ControlError(400, 'PARAM_ERROR', 'delay_ms must be at most 60000');
  }
  return f as unknown as FaultSpec;
}

/** The injected faults, consumed as calls and notifications happen. */
export class Faults {
  private list: ActiveFault[] = [];
  private seq = 0;

  add(spec: FaultSpec): ActiveFault {
    const f = { ...spec, id: `fault_${++this.seq}`, remaining: spec.count ?? 1 } as ActiveFault;
    this.list.push(f);
    return f;
  }

  active(): ActiveFault[] {
    return this.list.map((f) => ({ ...f }));
  }

  clear(): void {
    this.list = [];
  }

  /** Consumes the first API fault matching `path` (relative to the mount), if any. */
  takeApi(path: string): (ApiFault & { id: string }) | undefined {
    const f = this.list.find((x) => API_KINDS.has(x.kind) && (!('path_prefix' in x) || !x.path_prefix || path.startsWith(x.path_prefix)));
    return f ? (this.consume(f) as ApiFault & { id: string }) : undefined;
  }

  /** Consumes one of each notification fault kind that matches `eventType`. */
  takeNotification(eventType: string): NotificationFault[] {
    const taken: NotificationFault[] = [];
    const seen = new Set<string>();
    for (const f of [...this.list]) {
      if (!NOTIFY_KINDS.has(f.kind) || seen.has(f.kind)) continue;
      const nf = f as NotificationFault & ActiveFault;
      if (nf.event_type && nf.event_type !== eventType) continue;
      seen.add(f.kind);
      taken.push(this.consume(f) as NotificationFault);
    }
    return taken;
  }

  private consume(f: ActiveFault): ActiveFault {
    f.remaining -= 1;
    if (f.remaining <= 0) this.list = this.list.filter((x) => x !== f);
    return f;
  }
}
