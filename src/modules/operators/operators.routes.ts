import type { DependencyContainer } from 'tsyringe';
import { z } from 'zod';
import { ApiRouter } from '../../platform/http/route';
import { pageQuery } from '../../platform/http/paging';
import { operatorAuth, operatorOf, writeContext } from './operator-auth';
import { OperatorsService, operatorJson } from './operators.service';

const operator = z.object({ id: z.string(), name: z.string(), role: z.enum(['admin', 'viewer']), created_at: z.string() });

/** POST/GET /admin/v1/operators, DELETE /admin/v1/operators/{id}. */
export function operatorsRouter(c: DependencyContainer): ApiRouter {
  const service = c.resolve(OperatorsService);
  const admin = operatorAuth(c, 'admin');
  const viewer = operatorAuth(c, 'viewer');
  return new ApiRouter()
    .route(
      {
        method: 'get',
        path: '/admin/v1/operators/me',
        summary: 'The operator this token belongs to (id, name, role): the console hides write controls from a viewer',
        tags: ['admin: operators'],
        auth: 'operator',
        responses: {
          200: { description: 'the caller', schema: z.object({ id: z.string(), name: z.string(), role: z.enum(['admin', 'viewer']) }) },
        },
      },
      viewer,
      ({ req }) => {
        const who = operatorOf(req);
        return { id: who.id, name: who.name, role: who.role };
      },
    )
    .route(
      {
        method: 'post',
        path: '/admin/v1/operators',
        summary: 'Create an operator; its token is answered this once only',
        tags: ['admin: operators'],
        auth: 'operator',
        body: z.object({ name: z.string().trim().min(1).max(128), role: z.enum(['admin', 'viewer']) }),
        responses: { 201: { description: 'created', schema: operator.extend({ token: z.string() }) } },
      },
      admin,
      async ({ body, req, res }) => {
        const { operator: row, token } = await service.create(body.name, body.role, writeContext(req));
        res.status(201);
        return { ...operatorJson(row), token };
      },
    )
    .route(
      {
        method: 'get',
        path: '/admin/v1/operators',
        summary: 'List live operators',
        tags: ['admin: operators'],
        auth: 'operator',
        query: pageQuery,
        responses: { 200: { description: 'a page', schema: z.object({ data: z.array(operator), next_cursor: z.string().nullable() }) } },
      },
      viewer,
      ({ query }) => service.list(query.limit, query.cursor),
    )
    .route(
      {
        method: 'delete',
        path: '/admin/v1/operators/:id',
        summary: 'Revoke an operator token',
        tags: ['admin: operators'],
        auth: 'operator',
        params: z.object({ id: z.string().max(64) }),
        responses: { 204: { description: 'revoked' } },
      },
      admin,
      async ({ params, req }) => {
        await service.revoke(params.id, writeContext(req));
      },
    );
}
