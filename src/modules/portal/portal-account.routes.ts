import type { DependencyContainer } from 'tsyringe';
import { z } from 'zod';
import { ApiRouter } from '../../platform/http/route';
import { rfc3339 } from '../../platform/clock';
import { ReconciliationService, writeTenantBill } from '../bills';
import { ApplymentRepository } from '../onboarding';
import { portalAuth, principalOf } from './portal-auth';
import { portalOnboardingSchema } from './portal.schemas';

/** The portal's bills (CSV of the tenant's own rows) and onboarding state. */
export function portalAccountRouter(c: DependencyContainer): ApiRouter {
  const reconciliations = c.resolve(ReconciliationService);
  const applyments = c.resolve(ApplymentRepository);
  const anyone = portalAuth(c);
  const r = new ApiRouter();

  r.route(
    {
      method: 'get',
      path: '/portal/v1/bills/:bill_date',
      summary: "The tenant's rows of a Beijing day's trade bill (text/csv, WeChat Pay's columns); type=fundflow: its fund-flow bill",
      tags: ['portal'],
      auth: 'portal',
      params: z.object({ bill_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be yyyy-MM-dd') }),
      query: z.object({ type: z.enum(['trade', 'fundflow']).default('trade') }),
      responses: { 200: { description: "the bill in WeChat Pay's columns", contentType: 'text/csv', headers: ['Content-Disposition'] } },
    },
    anyone,
    async ({ params, query, req, res }) => {
      const { tenant } = principalOf(req);
      res.setHeader('Content-Disposition', `attachment; filename="bill-${tenant.subMchid}-${params.bill_date}-${query.type}.csv"`);
      await writeTenantBill(reconciliations, tenant, params.bill_date, query.type, res);
      return undefined;
    },
  );

  r.route(
    {
      method: 'get',
      path: '/portal/v1/onboarding',
      summary: "Where the tenant's onboarding (特约商户进件) stands: state, rejection reasons by field, the sign_url to scan",
      tags: ['portal'],
      auth: 'portal',
      responses: {
        200: { description: 'the tenant and its applyment (null when onboarded without one here)', schema: portalOnboardingSchema },
      },
    },
    anyone,
    async ({ req }) => {
      const { tenant } = principalOf(req);
      const a = await applyments.byTenant(tenant.id);
      return {
        tenant: { id: tenant.id, name: tenant.name, sub_mchid: tenant.subMchid, status: tenant.status },
        applyment: a
          ? {
              state: a.state,
              state_desc: a.stateDesc ?? null,
              applyment_id: a.applymentId === null ? null : Number(a.applymentId),
              audit_detail: a.auditDetail ?? [],
              sign_url: a.signUrl ?? null,
              updated_at: rfc3339(a.updatedAt),
            }
          : null,
      };
    },
  );
  return r;
}
