import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { z } from 'zod';
import { apiQuery } from '../../../api/query';
import type { Query } from '../../../api/types';
import { cursor, oneOf, PAGE_SIZE, text } from '../../../lib/search';
import { consoleRoute } from '../route';

export const REFUND_STATUSES = ['PROCESSING', 'SUCCESS', 'CLOSED', 'ABNORMAL'] as const satisfies readonly NonNullable<
  Query<'/admin/v1/refunds'>['status']
>[];

const search = z.object({ out_trade_no: text(32), out_refund_no: text(64), tenant_id: text(40), status: oneOf(REFUND_STATUSES), cursor });
export type RefundsSearch = z.infer<typeof search>;

export const refundsQuery = (s: RefundsSearch) => apiQuery('/admin/v1/refunds', { params: { query: { limit: PAGE_SIZE, ...s } } });

export const refundsRoute = createRoute({
  getParentRoute: () => consoleRoute,
  path: 'refunds',
  staticData: { nav: { label: 'nav.refunds', order: 60, api: '/admin/v1/refunds' } },
  validateSearch: search,
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) => context.queryClient.ensureQueryData(refundsQuery(deps)),
  component: lazyRouteComponent(() => import('./Page'), 'RefundsPage'),
});
