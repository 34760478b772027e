import { z } from 'zod';
import { ApiRouter, type RouteSpec, type WebhookSpec } from '../../platform/http/route';
import { RAW_BODY_PREFIXES } from '../../platform/http/json-only';
import { ERROR_CODES, errorStatus, type ErrorCode } from '../../platform/errors/errors';
import { SchemaCollector } from './json-schema';
import { operationIdOf } from './operation-id';
import { errorComponents, errorSchemaName, STANDARD_HEADERS } from './error-components';
import { SECURITY_SCHEMES, securityOf } from './security-components';
import { TAG_DESCRIPTIONS } from './tags';
import { addExamples } from './examples';

type Json = Record<string, unknown>;

function parameters(spec: RouteSpec, schemas: SchemaCollector): unknown[] {
  const out: unknown[] = [];
  for (const [where, schema] of [
    ['path', spec.params],
    ['query', spec.query],
  ] as const) {
    if (!schema) continue;
    const js = schemas.inline(schema, 'input') as { properties?: Json; required?: string[] };
    for (const [name, s] of Object.entries(js.properties ?? {}))
      out.push({ name, in: where, required: where === 'path' || (js.required ?? []).includes(name), schema: s });
  }
  for (const [name, description] of Object.entries(spec.headers ?? {}))
    out.push({ name, in: 'header', required: false, description, schema: { type: 'string', maxLength: 64 } });
  return out;
}

/** The codes an operation can answer: those its auth, inputs and parameters imply, plus its own `errors`. */
export function errorCodesOf(spec: RouteSpec): ErrorCode[] {
  // PARAM_ERROR on every operation: the input guard (src/platform/http/input-guard.ts) refuses a control
  // character, a lone surrogate or a malformed percent-escape in any path or query before any route runs.
  const codes = new Set<ErrorCode>(['INTERNAL_ERROR', 'SERVICE_UNAVAILABLE', 'PARAM_ERROR']);
  // Any write with a body that is not JSON is 415 (src/platform/http/json-only.ts), except on raw-body paths.
  if (['post', 'put', 'patch'].includes(spec.method) && !RAW_BODY_PREFIXES.some((p) => spec.path.startsWith(p)))
    codes.add('UNSUPPORTED_MEDIA_TYPE');
  if (spec.params) codes.add('NOT_FOUND');
  if (spec.headers?.['Idempotency-Key']) codes.add('IDEMPOTENCY_CONFLICT');
  if (['operator', 'tenant', 'platform', 'portal', 'client', 'wechatpay', 'wechat'].includes(spec.auth)) codes.add('UNAUTHENTICATED');
  if (['operator', 'tenant', 'platform', 'portal', 'client'].includes(spec.auth)) {
    codes.add('FORBIDDEN');
    codes.add('FREQUENCY_LIMITED');
  }
  if (['tenant', 'client', 'platform', 'portal'].includes(spec.auth)) codes.add('TENANT_SUSPENDED');
  for (const c of spec.errors ?? []) codes.add(c);
  return ERROR_CODES.filter((c) => codes.has(c));
}

function errorResponses(spec: RouteSpec): Json {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errorCodesOf(spec)) byStatus.set(errorStatus(code), [...(byStatus.get(errorStatus(code)) ?? []), code]);
  const out: Json = {};
  for (const [status, codes] of byStatus) {
    const refs = codes.map((c) => ({ $ref: `#/components/schemas/${errorSchemaName(c)}` }));
    const headers: Json = { 'Request-Id': { $ref: '#/components/headers/Request-Id' } };
    if (status === 429 || status === 503) headers['Retry-After'] = { $ref: '#/components/headers/Retry-After' };
    if (status === 401) headers['WWW-Authenticate'] = { $ref: '#/components/headers/WWW-Authenticate' };
    out[status] = {
      description: codes.join(', '),
      headers,
      content: {
        'application/json': { schema: refs.length === 1 ? refs[0] : { oneOf: refs } },
        ...Object.fromEntries((spec.errorContentTypes ?? []).map((t) => [t, { schema: { type: 'string' } }])),
      },
    };
  }
  return out;
}

function successResponses(spec: RouteSpec, schemas: SchemaCollector, operationId: string): Json {
  const out: Json = {};
  for (const [status, r] of Object.entries(spec.responses)) {
    // An error status declared without its own schema is the standard Error answer (errorResponses).
    if (Number(status) >= 400 && !r.schema && !r.contentType) continue;
    const headers: Json = { 'Request-Id': { $ref: '#/components/headers/Request-Id' } };
    for (const h of r.headers ?? []) headers[h] = { $ref: `#/components/headers/${h}` };
    if (spec.headers?.['Idempotency-Key'] && Number(status) < 300)
      headers['Idempotent-Replayed'] = { $ref: '#/components/headers/Idempotent-Replayed' };
    const example = spec.example?.response?.status === Number(status) ? { example: spec.example.response.body } : {};
    const other = r.contentType && r.contentType !== 'application/json' ? { [r.contentType]: { schema: { type: 'string' } } } : {};
    const content = r.schema
      ? {
          'application/json': {
            // Success answers are always named; an error status with its own schema (WeChat Pay's FAIL) stays inline.
            schema: Number(status) < 400 ? schemas.answer(r.schema, answerName(operationId)) : schemas.ref(r.schema, 'output'),
            ...example,
          },
          ...other,
        }
      : r.contentType
        ? { [r.contentType]: { schema: r.contentType === 'application/json' ? { type: 'object' } : { type: 'string' } } }
        : undefined;
    out[status] = { description: r.description, headers, ...(content ? { content } : {}) };
  }
  return out;
}

/** `getOrder` -> `GetOrderAnswer`: the component name of an answer schema that has none of its own. */
function answerName(operationId: string): string {
  return `${operationId[0]!.toUpperCase()}${operationId.slice(1)}Answer`;
}

function requestBody(spec: RouteSpec, schemas: SchemaCollector): Json | undefined {
  if (spec.rawBody)
    return {
      required: true,
      description: spec.rawBody.description,
      content: { [spec.rawBody.contentType]: { schema: spec.rawBody.schema ? schemas.inline(spec.rawBody.schema, 'input') : {} } },
    };
  if (!spec.body) return undefined;
  const example = spec.example?.body === undefined ? {} : { example: spec.example.body };
  return {
    // A body whose every field is optional may be left out (e.g. the webhook-secret rotation).
    required: !spec.body.safeParse({}).success,
    content: { 'application/json': { schema: schemas.ref(spec.body, 'input'), ...example } },
  };
}

function webhookItem(w: WebhookSpec, schemas: SchemaCollector): Json {
  return {
    post: {
      operationId: `receive${w.name
        .split(/[._]/)
        .map((p) => p[0]!.toUpperCase() + p.slice(1))
        .join('')}Event`,
      summary: w.summary,
      description: w.description,
      tags: ['webhooks'],
      security: [{ partnerpaySignature: [] }],
      parameters: [
        {
          name: 'Partnerpay-Signature',
          in: 'header',
          required: true,
          description:
            't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" under the webhook secret>' +
            '[,v1=... one per secret still valid during a rotation]',
          schema: { type: 'string', maxLength: 512 },
        },
      ],
      requestBody: { required: true, content: { 'application/json': { schema: schemas.ref(w.payload, 'output') } } },
      responses: {
        '2XX': { description: 'received: any 2xx within 10 s ends the retries' },
        default: {
          description:
            'anything else (or no answer in 10 s) is retried on WeChat Pay\u2019s schedule: ' +
            '15 s, 15 s, 30 s, 3 min, 10 min, 20 min, 30 min, 30 min, 30 min, 60 min, 3 h, 3 h, 3 h, 6 h, 6 h',
        },
      },
    },
  };
}

/** Each route's operationId: its own, or derived; an operator route whose derived id a tenant route has gets `Admin` after the verb. */
function operationIds(specs: RouteSpec[]): Map<RouteSpec, string> {
  const derived = new Map(specs.map((s) => [s, s.operationId ?? operationIdOf(s.method, s.path)]));
  const count = new Map<string, number>();
  for (const id of derived.values()) count.set(id, (count.get(id) ?? 0) + 1);
  for (const [s, id] of derived)
    if (!s.operationId && (count.get(id) ?? 0) > 1 && s.path.startsWith('/admin/')) derived.set(s, id.replace(/^([a-z]+)/, '$1Admin'));
  return derived;
}

/** Builds the OpenAPI 3.1 document from the routes' own validation and answer schemas. */
export function buildOpenApiDocument(specs: RouteSpec[], info: { version: string }, webhooks: WebhookSpec[] = []): Json {
  const schemas = new SchemaCollector();
  const paths: Record<string, Json> = {};
  const seen = new Map<string, string>();
  const ids = operationIds(specs);
  for (const spec of specs) {
    const path = spec.path.replace(/:([A-Za-z_]+)/g, '{$1}');
    const operationId = ids.get(spec)!;
    const where = `${spec.method.toUpperCase()} ${spec.path}`;
    if (seen.has(operationId))
      throw new Error(`operationId ${operationId} of ${where} is also ${seen.get(operationId)}'s: give one an explicit operationId`);
    seen.set(operationId, where);
    const body = requestBody(spec, schemas);
    (paths[path] ??= {})[spec.method] = {
      operationId,
      summary: spec.summary,
      description: spec.summary,
      tags: spec.tags,
      security: securityOf(spec.auth),
      parameters: parameters(spec, schemas),
      ...(body ? { requestBody: body } : {}),
      responses: { ...errorResponses(spec), ...successResponses(spec, schemas, operationId) },
    };
  }
  const tags = [...new Set([...specs.flatMap((s) => s.tags), ...(webhooks.length ? ['webhooks'] : [])])].sort();
  const webhookItems = Object.fromEntries(webhooks.map((w) => [w.name, webhookItem(w, schemas)]));
  const components = { ...schemas.components(), ...errorComponents() };
  addExamples([...Object.values(paths), ...Object.values(webhookItems)] as Array<Record<string, Json>>, components);
  return {
    openapi: '3.1.0',
    info: {
      title: 'partnerpay',
      version: info.version,
      description:
        'Multi-tenant WeChat Pay service-provider platform. Money is integer fen. Every answer carries `Request-Id`; ' +
        'errors are `{ code, message, detail?, request_id }` with the codes listed per operation.',
      license: { name: 'UNLICENSED', identifier: 'UNLICENSED' },
      contact: { name: 'the operators of this deployment' },
    },
    servers: [
      { url: 'http://127.0.0.1:3000', description: 'the demo (npm start)' },
      { url: '{base}', description: 'a deployment', variables: { base: { default: 'https://partnerpay.example.com' } } },
    ],
    tags: tags.map((name) => ({ name, description: TAG_DESCRIPTIONS[name] ?? `Operations on ${name.replace(/^admin: /, '')}` })),
    paths,
    webhooks: webhookItems,
    components: {
      securitySchemes: SECURITY_SCHEMES,
      headers: STANDARD_HEADERS,
      schemas: components,
    },
  };
}

/** GET /openapi.json: the document built once from every route's spec. */
export function openApiRouter(specs: RouteSpec[], info: { version: string }, webhooks: WebhookSpec[] = []): ApiRouter {
  const router = new ApiRouter();
  let document: Json = {};
  router.route(
    {
      method: 'get',
      path: '/openapi.json',
      operationId: 'getOpenApiDocument',
      summary: 'This OpenAPI 3.1 document',
      tags: ['meta'],
      auth: 'none',
      responses: {
        200: {
          description: 'OpenAPI 3.1 document',
          schema: z.record(z.string(), z.unknown()).meta({ id: 'OpenApiDocument', description: 'This OpenAPI 3.1 document' }),
        },
      },
    },
    // Built on first request so that it includes this route too.
    () => document,
  );
  // Built at start-up, so a bad spec (a duplicate operationId) stops the start; it includes this route too.
  document = buildOpenApiDocument([...specs, ...router.specs], info, webhooks);
  return router;
}
