import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';

type Json = Record<string, unknown>;

interface Operation {
  id: string;
  method: string;
  template: string;
  pattern: RegExp;
  responses: Record<string, Json>;
}

/** What one answer broke: the operation, the status, and what to fix. */
export interface ContractViolation {
  operation: string;
  problem: string;
}

/** Answers the document does not cover on purpose: the embedded simulator, the console's files, the demo inbox's raw-mounted receiver (its GET is an operation). */
const OUTSIDE: Array<{ method?: string; path: RegExp }> = [
  { path: /^\/simulator(\/|$)/ },
  { path: /^\/console(\/|$)/ },
  { method: 'POST', path: /^\/demo\/inbox\/[^/]+$/ },
];

const MAX_BODY = 1 << 20;

/**
 * Holds the server to its own /openapi.json: every answer the test app gives is checked (status declared,
 * Request-Id and the declared headers present, JSON body valid against the named schema, where named
 * schemas refuse undeclared fields). Violations fail the test file at close; the operations answered are
 * appended to $PARTNERPAY_CONTRACT_DIR so the runner can list those no test exercised.
 */
export class ContractChecker {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  private readonly operations: Operation[] = [];
  private readonly validators = new Map<string, ValidateFunction>();
  readonly violations: ContractViolation[] = [];
  readonly exercised = new Set<string>();

  constructor(private readonly document: Json) {
    this.ajv.addSchema(document, 'openapi');
    const paths = (document.paths ?? {}) as Record<string, Record<string, Json>>;
    for (const [template, item] of Object.entries(paths))
      for (const [method, op] of Object.entries(item))
        this.operations.push({
          id: String(op.operationId),
          method: method.toUpperCase(),
          template,
          pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}/?$`),
          responses: op.responses as Record<string, Json>,
        });
  }

  /** Every operationId in the document. */
  operationIds(): string[] {
    return this.operations.map((o) => o.id);
  }

  /** Express middleware that records and checks each answer once it is sent. */
  middleware(): RequestHandler {
    return (req: Request, res: Response, next: NextFunction) => {
      const path = req.path;
      if (OUTSIDE.some((o) => (!o.method || o.method === req.method) && o.path.test(path))) return next();
      const chunks: Buffer[] = [];
      let size = 0;
      const write = res.write.bind(res) as (...a: unknown[]) => boolean;
      const end = res.end.bind(res) as (...a: unknown[]) => Response;
      const keep = (chunk: unknown) => {
        if (chunk === undefined || chunk === null || typeof chunk === 'function' || size > MAX_BODY) return;
        const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
        size += b.length;
        chunks.push(b);
      };
      res.write = ((...a: unknown[]) => {
        keep(a[0]);
        return write(...a);
      }) as Response['write'];
      res.end = ((...a: unknown[]) => {
        keep(a[0]);
        return end(...a);
      }) as Response['end'];
      res.on('finish', () => this.check(req.method, path, res, Buffer.concat(chunks)));
      next();
    };
  }

  private check(method: string, path: string, res: Response, body: Buffer): void {
    const op = this.operations.find((o) => o.method === method && o.pattern.test(path));
    if (!op) return; // not an operation of the document (an unknown path's 404, a raw mount)
    const where = `${op.method} ${op.template} (${op.id}) answered ${res.statusCode}`;
    this.exercised.add(op.id);
    const declared = op.responses[String(res.statusCode)] ?? op.responses[`${String(res.statusCode)[0]}XX`];
    if (!declared) {
      const code = tryJson(body) as { code?: string } | undefined;
      return this.fail(
        op,
        `${where}${code?.code ? ` ${code.code}` : ''}: status not declared (add it to responses, or the code to errors: [...])`,
      );
    }
    if (!res.getHeader('Request-Id')) this.fail(op, `${where}: no Request-Id header`);
    for (const [name, h] of Object.entries((declared.headers ?? {}) as Record<string, Json>)) {
      const required = name === 'Request-Id' || (name === 'Retry-After' && res.statusCode === 429);
      if (required && res.getHeader(name) === undefined) this.fail(op, `${where}: header ${name} declared but missing`);
      void h;
    }
    const type = String(res.getHeader('Content-Type') ?? '');
    const content = declared.content as Record<string, Json> | undefined;
    if (!body.length || res.statusCode === 204 || method === 'HEAD') return;
    if (!content)
      return this.fail(op, `${where}: a ${type || 'body'} answer its ${res.statusCode} does not declare (add schema or contentType)`);
    if (!type.startsWith('application/json')) {
      const declaredTypes = Object.keys(content);
      if (!declaredTypes.some((t) => type.startsWith(t)))
        this.fail(op, `${where}: Content-Type ${type} is not one of ${declaredTypes.join(', ')}`);
      return;
    }
    if (!content['application/json']) return this.fail(op, `${where}: JSON answer but declares ${Object.keys(content).join(', ')}`);
    const json = tryJson(body);
    if (json === undefined) return this.fail(op, `${where}: body is not JSON`);
    const code = res.statusCode >= 400 ? (json as { code?: unknown } | null)?.code : undefined;
    // Error answers are described by their codes (`ORDER_PAID, ORDER_CLOSED`); other 4xx bodies (WeChat Pay's FAIL) are not.
    const codes = /^[A-Z_]+(, [A-Z_]+)*$/.test(String(declared.description)) ? String(declared.description).split(', ') : undefined;
    if (typeof code === 'string' && codes && !codes.includes(code))
      return this.fail(op, `${where} ${code}: code not declared (add '${code}' to the route's errors: [...])`);
    const validate = this.validator(op, String(res.statusCode) in op.responses ? String(res.statusCode) : `${String(res.statusCode)[0]}XX`);
    if (!validate(json))
      this.fail(
        op,
        `${where}: body does not match its schema: ${(validate.errors ?? [])
          .slice(0, 5)
          .map(
            (e) =>
              `${e.instancePath || '(root)'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` '${String(e.params.additionalProperty)}'` : ''}`,
          )
          .join('; ')}`,
      );
  }

  private validator(op: Operation, status: string): ValidateFunction {
    const key = `${op.method} ${op.template} ${status}`;
    let v = this.validators.get(key);
    if (!v) {
      const pointer = ['paths', op.template, op.method.toLowerCase(), 'responses', status, 'content', 'application/json', 'schema']
        .map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1'))
        .join('/');
      v = this.ajv.getSchema(`openapi#/${pointer}`);
      if (!v) throw new Error(`contract: no schema at ${pointer}`);
      this.validators.set(key, v);
    }
    return v;
  }

  private fail(op: Operation, problem: string): void {
    if (!this.violations.some((v) => v.problem === problem)) this.violations.push({ operation: op.id, problem });
  }

  /** Appends what this app saw to the run's contract directory (read by test/run-tests.ts). */
  flush(): void {
    const dir = process.env.PARTNERPAY_CONTRACT_DIR;
    if (!dir) return;
    appendFileSync(
      join(dir, `exercised-${process.pid}.jsonl`),
      `${JSON.stringify({ operations: this.operationIds(), exercised: [...this.exercised], violations: this.violations })}\n`,
    );
  }

  /**
   * Fails the test file naming every violation: printed, and the file's process exits non-zero (so node --test
   * marks the file failed) without throwing, which would skip the caller's remaining cleanup and hang the file.
   */
  failOnViolations(): void {
    if (!this.violations.length) return;
    // Strict by default: an answer outside the document fails the file. PARTNERPAY_CONTRACT=report only prints
    // and counts them (a local run while a route's schemas are being written).
    if (contractIsStrict()) process.exitCode = 1;
    console.error(
      `the server answered outside its OpenAPI document (${this.violations.length}):\n` +
        this.violations.map((v) => `  - ${v.problem}`).join('\n'),
    );
  }
}

/** True unless PARTNERPAY_CONTRACT=report: answers outside the document, and (over the whole suite) operations no test exercised, fail the run. */
export function contractIsStrict(): boolean {
  return process.env.PARTNERPAY_CONTRACT !== 'report';
}

function tryJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
