/** Messages between the bench (parent) and its load-generator child process. */
export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface LoadResult {
  wallMs: number;
  /** Milliseconds per request, in request order: from its send (closed loop) or from its scheduled time (paced). */
  latencies: number[];
  /** HTTP status (or 'error') -> count. */
  statuses: Record<string, number>;
  /** A few failed answers, for diagnosis. */
  samples: string[];
  /** Paced runs: the most requests that were in flight at once, and how late the client sent (p99 ms behind schedule). */
  maxInFlight?: number;
  sendLagP99Ms?: number;
}

/**
 * `go`: closed loop, `concurrency` requests in flight. `ratePerSecond` makes it an open loop: each
 * request is sent at its scheduled time (start + i / rate) whatever the earlier ones are doing.
 */
export type ToClient =
  | { type: 'load'; requests: LoadRequest[] }
  | { type: 'go'; origin: string | string[]; concurrency: number; ratePerSecond?: number }
  | { type: 'exit' };
export type FromClient =
  { type: 'ready' } | { type: 'loaded' } | { type: 'done'; result: LoadResult } | { type: 'failed'; message: string };
