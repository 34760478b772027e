import { AsyncLocalStorage } from 'node:async_hooks';

/** The ids that every log line of one request carries, so one grep follows a payment end to end. */
export interface LogContext {
  request_id?: string;
  tenant_id?: string;
  sp_mchid?: string;
  /** WeChat Pay's Request-ID of the latest call this request made (what its support asks for). */
  wxpay_request_id?: string;
}

// The process's one AsyncLocalStorage of ours: the logger's mixin reads it (no child logger to pass around).
const storage = new AsyncLocalStorage<LogContext>();

/** Runs `fn` with a fresh, mutable log context (one per HTTP request or background unit of work). */
export function withLogContext<T>(ctx: LogContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

/** The current context, or undefined outside a request. */
export function currentLogContext(): LogContext | undefined {
  return storage.getStore();
}

/** Adds ids to the current context (no-op outside one); later log lines of the request carry them. */
export function annotateLog(fields: LogContext): void {
  const ctx = storage.getStore();
  if (!ctx) return;
  for (const [k, v] of Object.entries(fields) as Array<[keyof LogContext, string | undefined]>) if (v) ctx[k] = v;
}
