/**
 * Reads the WeChat Pay error code off a client error, matching both spellings WeChat Pay uses
 * (ORDER_PAID and ORDERPAID; spec §3.1). Undefined for errors that are not WeChat Pay answers.
 */
export function upstreamCode(err: unknown): string | undefined {
  const e = err as { name?: string; code?: unknown; toAppError?: unknown } | null;
  if (!e || typeof e.toAppError !== 'function' || typeof e.code !== 'string') return undefined;
  return e.code.replace(/_/g, '');
}

/** True when `err` is WeChat Pay answering `code` (either spelling). */
export function isUpstream(err: unknown, code: string): boolean {
  return upstreamCode(err) === code.replace(/_/g, '');
}
