/** Messages between the bench (parent) and its load-generator child process. */
export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface LoadResult {
  wallMs: number;
  /** Milliseconds per request, in request order. */
  latencies: number[];
  /** HTTP status (or 'error') -> count. */
  statuses: Record<string, number>;
  /** A few failed answers, for diagnosis. */
  samples: string[];
}

export type ToClient = { type: 'load'; requests: LoadRequest[] } | { type: 'go'; origin: string; concurrency: number } | { type: 'exit' };
export type FromClient =
  { type: 'ready' } | { type: 'loaded' } | { type: 'done'; result: LoadResult } | { type: 'failed'; message: string };
