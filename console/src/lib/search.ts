/**
 * Search params of list routes, validated with zod: a malformed value (a hand-edited URL) falls back
 * to "not set" instead of an error page. Enumerations are typed against the API's own query types, so
 * a value the API would refuse does not compile.
 */
import { z } from 'zod';
import { beijingDayStart } from './format';

/** An optional search param that is dropped when malformed. */
export const opt = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

export const text = (max = 64) => opt(z.string().trim().min(1).max(max));
export const cursor = text(400);
export const day = opt(z.string().regex(/^\d{4}-\d{2}-\d{2}$/));
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) => opt(z.enum(values));

/** The API's RFC 3339 range for Beijing days `from`..`to` (both inclusive). */
export function dayRange(from: string | undefined, to: string | undefined): { created_from?: string; created_to?: string } {
  return {
    ...(from ? { created_from: beijingDayStart(from) } : {}),
    ...(to ? { created_to: beijingDayStart(new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)) } : {}),
  };
}

/** The list page size the console asks for. */
export const PAGE_SIZE = 20;
