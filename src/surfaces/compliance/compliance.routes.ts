import type { DependencyContainer } from 'tsyringe';
import { z } from 'zod';
import { ApiRouter } from '../../platform/http/route';
import { AppError } from '../../platform/errors/errors';
import { TOKENS } from '../../platform/tokens';
import { operatorAuth } from '../../modules/operators';
import { complianceCatalogue, tenantId, TenantsService, type SecondaryClearingGuard } from '../../modules/tenancy';
import { ProfitSharingRepository } from '../../modules/profit-sharing';
import { AuthorizationsService } from '../../modules/open-platform';

/** GET /admin/v1/compliance and GET /admin/v1/tenants/{id}/compliance. */
export function complianceRouter(c: DependencyContainer): ApiRouter {
  const guard = c.resolve<SecondaryClearingGuard>(TOKENS.ClearingGuard);
  const viewer = operatorAuth(c, 'viewer');
  const catalogue = complianceCatalogue();
  return new ApiRouter()
    .route(
      {
        method: 'get',
        path: '/admin/v1/compliance',
        summary: 'The 二清 rules and the dev-mode x payment-mode matrix, explained',
        tags: ['admin: compliance'],
        auth: 'operator',
        responses: {
          200: {
            description: 'rules and matrix',
            schema: z
              .object({
                summary: z.string(),
                rules: z.array(z.object({ rule: z.string(), title: z.string(), why: z.string(), enforced_at: z.string() })),
                matrix: z.object({
                  dev_modes: z.record(z.string(), z.string()),
                  payment_modes: z.record(z.string(), z.string()),
                  cells: z.array(z.object({ dev_mode: z.string(), payment_mode: z.string(), verdict: z.string(), why: z.string() })),
                  note: z.string(),
                }),
              })
              .meta({ id: 'ComplianceCatalogue', description: 'The 二清 rules and the dev-mode x payment-mode matrix' }),
          },
        },
      },
      viewer,
      () => catalogue,
    )
    .route(
      {
        method: 'get',
        path: '/admin/v1/tenants/:id/compliance',
        summary: 'Each 二清 rule for this tenant, and whether it holds',
        tags: ['admin: compliance'],
        auth: 'operator',
        params: z.object({ id: tenantId }),
        responses: {
          200: {
            description: 'rules evaluated',
            schema: z.object({
              tenant_id: z.string(),
              compliant: z.boolean(),
              rules: z.array(z.object({ rule: z.string(), holds: z.boolean(), explanation: z.string() })),
              profit_sharing: z.object({
                max_ratio: z.number(),
                orders_split: z.number(),
                split_total: z.number(),
                paid_total: z.number(),
                highest_share: z.number(),
              }),
              apps: z.array(
                z.object({
                  appid: z.string(),
                  dev_mode: z.string(),
                  authorized: z.boolean(),
                  open_platform: z
                    .object({
                      component_appid: z.string(),
                      state: z.string(),
                      authorized_at: z.string().nullable(),
                      unauthorized_at: z.string().nullable(),
                    })
                    .nullable(),
                }),
              ),
            }),
          },
        },
      },
      viewer,
      async ({ params }) => {
        const rules = await guard.evaluate(params.id);
        if (!rules) throw AppError.notFound('tenant');
        // Each tenant's splits against its cap: the highest cumulative share of any one payment (万分比).
        const tenant = await c.resolve(TenantsService).get(params.id);
        const maxRatio = tenant.profit_sharing.max_ratio;
        const totals = await c.resolve(ProfitSharingRepository).totals(params.id);
        const cap = rules.find((r) => r.rule === 'ratio_above_cap');
        if (cap && totals.orders) {
          cap.holds = cap.holds && totals.maxShare <= maxRatio;
          cap.explanation +=
            `; ${totals.orders} payment(s) split, ${totals.split} of ${totals.paid} fen, ` +
            `at most ${totals.maxShare / 100}% of one payment`;
        }
        const profit_sharing = {
          max_ratio: maxRatio,
          orders_split: totals.orders,
          split_total: totals.split,
          paid_total: totals.paid,
          highest_share: totals.maxShare,
        };
        // Each app, and for third_party apps their open-platform authorisation: a withdrawn one takes no new business.
        const authorizations = await c.resolve(AuthorizationsService).ofTenant(params.id);
        const apps = tenant.apps.map((a) => {
          const auth = authorizations.find((x) => x.authorizer_appid === a.appid);
          return {
            appid: a.appid,
            dev_mode: a.dev_mode,
            authorized: a.authorized,
            open_platform: auth
              ? {
                  component_appid: auth.component_appid,
                  state: auth.state,
                  authorized_at: auth.authorized_at,
                  unauthorized_at: auth.unauthorized_at,
                }
              : null,
          };
        });
        return { tenant_id: params.id, compliant: rules.every((r) => r.holds), rules, profit_sharing, apps };
      },
    );
}
