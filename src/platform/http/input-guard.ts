import type { NextFunction, Request, Response } from 'express';
import { AppError, type FieldIssue } from '../errors/errors';

/** U+0000-U+001F: never valid in a field, a path or a query (SQLite refuses NUL; WeChat Pay must never see it). */
const CONTROL = /[\u0000-\u001f]/;
/** PEM fields carry line breaks: only \t \n \r are allowed there, never NUL or the rest. */
const CONTROL_EXCEPT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;
/** Fields whose values are PEM text (keys, certificates). */
const MULTILINE_FIELD = /(private_key|public_key|certificate|pem)$/;
/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What is wrong with one string, or undefined: control characters, or a lone UTF-16 surrogate. */
export function stringIssue(value: string, field = ''): string | undefined {
  if ((MULTILINE_FIELD.test(field) ? CONTROL_EXCEPT_LINES : CONTROL).test(value))
    return 'must not contain control characters (U+0000-U+001F)';
  if (LONE_SURROGATE.test(value)) return 'must be well-formed Unicode (no lone surrogates)';
  return undefined;
}

/** Every bad string in a parsed JSON value (keys included), each named by its dotted path under `prefix`. */
export function findBadStrings(value: unknown, prefix: string, out: FieldIssue[] = [], depth = 0): FieldIssue[] {
  if (out.length >= 20 || depth > 32) return out;
  if (typeof value === 'string') {
    const issue = stringIssue(value, prefix.slice(prefix.lastIndexOf('.') + 1));
    if (issue) out.push({ field: prefix || '(root)', issue });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => findBadStrings(v, `${prefix}.${i}`, out, depth + 1));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const field = prefix ? `${prefix}.${k}` : k;
      const keyIssue = stringIssue(k);
      if (keyIssue) out.push({ field: `${prefix || '(root)'} key`, issue: keyIssue });
      findBadStrings(v, field, out, depth + 1);
    }
  }
  return out;
}

/** JSON bodies nest at most this deep (the deepest contract body, an applyment, is under 10). */
export const MAX_JSON_DEPTH = 32;

/** Whether a parsed JSON value nests deeper than `max` (iterative: a 100,000-deep array must not overflow the stack). */
export function deeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (!v || typeof v !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (child && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

/** Decodes the request path once: a malformed percent-escape is 400, so is a control character or lone surrogate in it. */
function pathIssues(req: Request): FieldIssue[] {
  let decoded: string;
  try {
    decoded = decodeURIComponent(req.path);
  } catch {
    return [{ field: '(path)', issue: 'has a malformed percent-encoding' }];
  }
  const issue = stringIssue(decoded);
  return issue ? [{ field: '(path)', issue }] : [];
}

/**
 * One gate for every route, before any handler: path, query and JSON body are refused 400
 * PARAM_ERROR when they carry control characters (U+0000-U+001F; PEM fields may break lines)
 * or lone surrogates, or when the path's percent-encoding is malformed. Raw bodies (WeChat Pay
 * notifications) are checked by their own gate after the signature.
 */
export function inputGuard(req: Request, _res: Response, next: NextFunction): void {
  const issues = pathIssues(req);
  if (issues.length === 0) {
    try {
      findBadStrings(req.query, '', issues);
    } catch {
      issues.push({ field: '(query)', issue: 'has a malformed percent-encoding' });
    }
  }
  const json = req.body !== undefined && !Buffer.isBuffer(req.body);
  if (issues.length === 0 && json && deeperThan(req.body, MAX_JSON_DEPTH))
    issues.push({ field: '(body)', issue: `must not nest objects or arrays more than ${MAX_JSON_DEPTH} levels deep` });
  if (issues.length === 0 && json) findBadStrings(req.body, '', issues);
  next(issues.length ? AppError.invalid(issues) : undefined);
}
