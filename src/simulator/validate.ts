import { z } from 'zod';
import { WxError } from './errors';

/** WeChat Pay takes UTF-8 of 1–3 bytes per character only: no 4-byte emoji in texts (spec §14). */
const NO_4BYTE = /^[^\u{10000}-\u{10FFFF}]*$/u;

/** A required string of 1..max characters. */
export const str = (max: number) => z.string().min(1).max(max);
/** A free text of at most `max` characters without 4-byte characters. */
export const text = (max: number, min = 0) => z.string().min(min).max(max).regex(NO_4BYTE, 'contains a 4-byte UTF-8 character (emoji)');
/** A positive amount in fen. */
export const fen = () => z.number().int().min(1);
/** `yyyy-MM-DDTHH:mm:ss+08:00` (RFC 3339 with a numeric offset, as WeChat Pay requires). */
export const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/;

function describe(issue: z.core.$ZodIssue, input: unknown): string {
  let v: unknown = input;
  for (const k of issue.path) v = v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k as PropertyKey] : undefined;
  if (issue.code === 'invalid_type' && v === undefined) return 'is required';
  if (issue.code === 'invalid_type' && v === null) return 'must not be null';
  return issue.message;
}

/** Parses `input` with `schema`, or throws 400 PARAM_ERROR naming the first bad field (JSON pointer for bodies, name for query/path). */
export function check<T extends z.ZodType>(schema: T, input: unknown, location: 'body' | 'query' | 'path' = 'body'): z.infer<T> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = location === 'body' ? `/${issue.path.join('/')}` : String(issue.path[0] ?? '');
  throw WxError.param(field, describe(issue, input), location);
}
