import { z } from 'zod';
import { WxError } from './errors';

/** WeChat Pay takes UTF-8 of 1–3 bytes per character only: no 4-byte emoji in texts (spec §14). */
const NO_4BYTE = /^[^\u{10000}-\u{10FFFF}]*$/u;

/** A required string of 1..max characters. */
export const str = (max: number) => z.string().min(1).max(max);
/** A free text of at most `max` characters without 4-byte characters. */
export const text = (max: number, min = 0) => z.string().min(min).max(max).regex(NO_4BYTE, '不能包含4字节UTF-8字符（如emoji表情）');
/** A positive amount in fen. */
export const fen = () => z.number().int().min(1);
/** `yyyy-MM-DDTHH:mm:ss+08:00` (RFC 3339 with a numeric offset, as WeChat Pay requires). */
export const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/;

/** The value at an issue's path (what WeChat Pay echoes as detail.value). */
function valueAt(issue: z.core.$ZodIssue, input: unknown): unknown {
  let v: unknown = input;
  for (const k of issue.path) v = v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k as PropertyKey] : undefined;
  return v;
}

const TYPE_NAMES: Record<string, string> = {
  string: '字符串',
  number: '数值',
  int: '整数',
  boolean: '布尔',
  object: '对象',
  array: '数组',
};

/** The rule that failed, in WeChat Pay's words ("输入源“/body/x”映射到值字段“x”字符串规则校验失败，字节数 33，大于最大值 32"). */
function describe(issue: z.core.$ZodIssue, v: unknown, source: string): string {
  const name = String(issue.path[issue.path.length - 1] ?? '');
  const head = `输入源“${source}”映射到值字段“${name}”`;
  const i = issue as z.core.$ZodIssue & { origin?: string; maximum?: unknown; minimum?: unknown; expected?: string };
  if (issue.code === 'invalid_type' && v === undefined) return `${head}必填性规则校验失败，此字段为必填项`;
  if (issue.code === 'invalid_type')
    return `${head}类型规则校验失败，${v === null ? '不能为null' : `应为${TYPE_NAMES[i.expected ?? ''] ?? i.expected}类型`}`;
  const len = typeof v === 'string' ? `长度 ${[...v].length}，` : Array.isArray(v) ? `元素个数 ${v.length}，` : `值 ${String(v)}，`;
  const rule = i.origin === 'string' ? '字符串' : i.origin === 'array' ? '数组' : '数值';
  if (issue.code === 'too_big') return `${head}${rule}规则校验失败，${len}大于最大值 ${String(i.maximum)}`;
  if (issue.code === 'too_small') return `${head}${rule}规则校验失败，${len}小于最小值 ${String(i.minimum)}`;
  if (issue.code === 'invalid_value') return `${head}枚举值规则校验失败，取值不在允许范围内`;
  if (issue.code === 'unrecognized_keys') return `${head}包含未定义的字段`;
  // Regexes and custom rules carry their own (Chinese) message.
  return `${head}格式规则校验失败，${issue.message}`;
}

/**
 * Parses `input` with `schema`, or throws 400 PARAM_ERROR naming the first bad field (JSON pointer for bodies,
 * name for query/path) and its value.
 */
export function check<T extends z.ZodType>(schema: T, input: unknown, location: 'body' | 'query' | 'path' = 'body'): z.infer<T> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = location === 'body' ? `/${issue.path.join('/')}` : String(issue.path[0] ?? '');
  const value = valueAt(issue, input);
  const source = location === 'body' ? `/body${field}` : `/${location}/${field}`;
  throw WxError.param(field, describe(issue, value, source), location, value === null || typeof value === 'object' ? undefined : value);
}
