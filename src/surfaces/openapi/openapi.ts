import { z } from 'zod';
import { ApiRouter, type RouteSpec } from '../../platform/http/route';

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  return z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as Record<string, unknown>;
}

function parameters(spec: RouteSpec): unknown[] {
  const out: unknown[] = [];
  for (const [where, schema] of [
    ['path', spec.params],
    ['query', spec.query],
  ] as const) {
    if (!schema) continue;
    const js = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, s] of Object.entries(js.properties ?? {}))
      out.push({ name, in: where, required: where === 'path' || (js.required ?? []).includes(name), schema: s });
  }
  for (const [name, description] of Object.entries(spec.headers ?? {}))
    out.push({ name, in: 'header', required: false, description, schema: { type: 'string' } });
  return out;
}

const SECURITY: Record<RouteSpec['auth'], unknown[] | undefined> = {
  none: [],
  operator: [{ operatorToken: [] }],
  tenant: [{ tenantSecretKey: [] }],
  wechatpay: [{ wechatpaySignature: [] }],
  wechat: [{ wechatMsgSignature: [] }],
  portal: [{ portalSession: [] }],
};

/** Builds the OpenAPI 3.0 document from the routes' own validation schemas. */
export function buildOpenApiDocument(specs: RouteSpec[], info: { version: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of specs) {
    const path = spec.path.replace(/:([A-Za-z_]+)/g, '{$1}');
    const responses: Record<string, unknown> = {};
    for (const [status, r] of Object.entries(spec.responses)) {
      responses[status] = r.schema
        ? { description: r.description, content: { 'application/json': { schema: jsonSchema(r.schema, 'output') } } }
        : { description: r.description };
    }
    responses.default = { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    (paths[path] ??= {})[spec.method] = {
      summary: spec.summary,
      tags: spec.tags,
      security: SECURITY[spec.auth],
      parameters: parameters(spec),
      ...(spec.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(spec.body, 'input') } } } }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'partnerpay',
      version: info.version,
      description: 'Multi-tenant WeChat Pay service-provider platform. Money is integer fen.',
    },
    paths,
    components: {
      securitySchemes: {
        operatorToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'Operator token (PARTNERPAY_ADMIN_TOKEN or one made by POST /admin/v1/operators)',
        },
        tenantSecretKey: { type: 'http', scheme: 'bearer', description: 'Tenant secret key sk_...' },
        wechatpaySignature: {
          type: 'apiKey',
          in: 'header',
          name: 'Wechatpay-Signature',
          description: 'WeChat Pay APIv3 signature headers',
        },
        portalSession: {
          type: 'apiKey',
          in: 'cookie',
          name: 'pp_portal',
          description: "A portal user's session (POST /portal/v1/session); every write also sends X-CSRF-Token (GET /portal/v1/session)",
        },
        wechatMsgSignature: {
          type: 'apiKey',
          in: 'query',
          name: 'msg_signature',
          description: "WeChat open platform push (WXBizMsgCrypt): msg_signature over the component's token, timestamp, nonce and Encrypt",
        },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['code', 'message', 'request_id'],
          properties: { code: { type: 'string' }, message: { type: 'string' }, detail: { type: 'object' }, request_id: { type: 'string' } },
        },
      },
    },
  };
}

/** GET /openapi.json: the document built once from every route's spec. */
export function openApiRouter(specs: RouteSpec[], info: { version: string }): ApiRouter {
  const document = buildOpenApiDocument(specs, info);
  return new ApiRouter().route(
    {
      method: 'get',
      path: '/openapi.json',
      summary: 'This OpenAPI document',
      tags: ['meta'],
      auth: 'none',
      responses: { 200: { description: 'OpenAPI 3.0 document' } },
    },
    () => document,
  );
}
