import type { Logger } from '../logging/logger';
import { dependencyDown } from '../errors/dependency-down';
import type { createClient } from 'redis';

type RedisClient = ReturnType<typeof createClient>;

/** `up`: commands go to Redis; `away`: they are not tried, every user falls back (see degradable.ts). */
export type RedisState = 'up' | 'away';

/** What fell back while Redis was away (the `use` label of partnerpay_redis_fallbacks_total). */
export type RedisUse = 'kv' | 'lock' | 'rate_limit';

/** Redis is away (refused, dropped, or silent past the command timeout): the caller falls back. */
export class RedisAwayError extends Error {
  override readonly name = 'RedisAwayError';
}

/** A command that got no answer within the link's command timeout (a stalled Redis). */
class CommandTimeoutError extends Error {
  override readonly name = 'CommandTimeoutError';
}

export interface RedisLinkOptions {
  /** A command without an answer after this long counts as Redis away (a stalled server never answers). */
  commandTimeoutMs: number;
  /** While away, a PING with the same timeout every this many ms decides when it is back. */
  probeIntervalMs: number;
}

/**
 * The process's view of Redis: every command goes through `run`, which bounds it by a short timeout
 * and turns a refused, dropped or stalled connection into RedisAwayError. The first such failure
 * marks Redis `away` (one log line, the metric); while away, commands are not even tried (callers
 * fall back at once) and a probe PINGs until Redis answers, then marks it `up` again (one log line).
 * node-redis itself reconnects a dropped socket; a stalled one needs no reconnect, its answers arrive
 * when the server resumes.
 */
export class RedisLink {
  private current: RedisState = 'up';
  private awaySince = 0;
  private probe?: NodeJS.Timeout;
  private closed = false;
  private readonly fallbacks = new Map<RedisUse, number>();
  private transitions = 0;

  constructor(
    readonly client: RedisClient,
    private readonly logger: Logger,
    private readonly opts: RedisLinkOptions,
  ) {
    // A dropped connection is noticed at once, not at the next command.
    client.on('end', () => this.markAway('connection closed'));
    client.on('error', (err: unknown) => {
      if (dependencyDown(err)) this.markAway(describe(err));
    });
  }

  /** `up` or `away`. */
  get state(): RedisState {
    return this.current;
  }

  /** How many times the state changed (up → away or back). */
  get transitionCount(): number {
    return this.transitions;
  }

  /** Fallbacks taken while away, per use. */
  fallbackCounts(): ReadonlyMap<RedisUse, number> {
    return this.fallbacks;
  }

  /** Counts one fallback of `use` (the degradable wrappers call it). */
  fellBack(use: RedisUse): void {
    this.fallbacks.set(use, (this.fallbacks.get(use) ?? 0) + 1);
  }

  /** Runs one Redis command bounded by the command timeout; RedisAwayError when Redis is away or goes away now. */
  async run<T>(command: (client: RedisClient) => Promise<T>): Promise<T> {
    if (this.current === 'away') throw new RedisAwayError('Redis is away');
    try {
      return await this.bounded(command(this.client));
    } catch (err) {
      if (!(err instanceof CommandTimeoutError) && !dependencyDown(err)) throw err;
      this.markAway(describe(err));
      throw new RedisAwayError(`Redis is away: ${describe(err)}`, { cause: err });
    }
  }

  /** Marks Redis away (logged once per outage) and starts probing for its return. */
  markAway(reason: string): void {
    if (this.current === 'away' || this.closed) return;
    this.current = 'away';
    this.awaySince = Date.now();
    this.transitions++;
    this.logger.warn(
      { component: 'redis', redis: 'away', reason },
      'Redis away: rate limits (approximate), locks and replay cache now per process; the database still guards every payment',
    );
    this.startProbe();
  }

  /** Stops probing (the client is closed by its owner). */
  close(): void {
    this.closed = true;
    clearInterval(this.probe);
  }

  private startProbe(): void {
    clearInterval(this.probe);
    let inFlight = false;
    this.probe = setInterval(() => {
      if (inFlight) return;
      inFlight = true;
      void this.bounded(this.client.ping())
        .then(() => this.markUp())
        .catch(() => undefined)
        .finally(() => (inFlight = false));
    }, this.opts.probeIntervalMs);
    this.probe.unref();
  }

  private markUp(): void {
    if (this.current === 'up' || this.closed) return;
    clearInterval(this.probe);
    this.current = 'up';
    this.transitions++;
    this.logger.info(
      { component: 'redis', redis: 'up', away_ms: Date.now() - this.awaySince },
      'Redis back: shared rate limits, locks and replay cache again',
    );
  }

  private async bounded<T>(p: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new CommandTimeoutError(`no answer within ${this.opts.commandTimeoutMs} ms`)),
        this.opts.commandTimeoutMs,
      );
    });
    // A late answer or failure of an abandoned command must not surface as an unhandled rejection.
    p.catch(() => undefined);
    try {
      return await Promise.race([p, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}`.slice(0, 200) : String(err).slice(0, 200);
}
