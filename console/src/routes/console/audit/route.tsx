import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { z } from 'zod';
import { apiQuery } from '../../../api/query';
import { beijingDayStart } from '../../../lib/format';
import { cursor, day, PAGE_SIZE, text } from '../../../lib/search';
import { consoleRoute } from '../route';

const search = z.object({ actor: text(64), action: text(64), target: text(128), from: day, to: day, cursor });
export type AuditSearch = z.infer<typeof search>;

const nextDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

export const auditQuery = ({ from, to, ...s }: AuditSearch) =>
  apiQuery('/admin/v1/audit-log', {
    params: {
      query: {
        limit: PAGE_SIZE,
        ...s,
        ...(from ? { since: beijingDayStart(from) } : {}),
        ...(to ? { until: beijingDayStart(nextDay(to)) } : {}),
      },
    },
  });

export const auditRoute = createRoute({
  getParentRoute: () => consoleRoute,
  path: 'audit',
  staticData: { nav: { label: 'nav.audit', order: 110, api: '/admin/v1/audit-log' } },
  validateSearch: search,
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) => context.queryClient.ensureQueryData(auditQuery(deps)),
  component: lazyRouteComponent(() => import('./Page'), 'AuditPage'),
});
