import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { z } from 'zod';
import { apiQuery } from '../../../api/query';
import type { Query } from '../../../api/types';
import { cursor, day, dayRange, oneOf, PAGE_SIZE, text } from '../../../lib/search';
import { consoleRoute } from '../route';

type EventsQuery = Query<'/admin/v1/events'>;
export const EVENT_STATUSES = ['pending', 'delivering', 'delivered', 'failed'] as const satisfies readonly NonNullable<
  EventsQuery['status']
>[];
export const EVENT_TYPES = [
  'order.paid',
  'order.closed',
  'refund.succeeded',
  'refund.closed',
  'refund.abnormal',
  'profit_sharing.finished',
  'profit_sharing.returned',
  'reconciliation.completed',
] as const satisfies readonly NonNullable<EventsQuery['type']>[];

const search = z.object({ tenant_id: text(64), type: oneOf(EVENT_TYPES), status: oneOf(EVENT_STATUSES), from: day, to: day, cursor });
export type EventsSearch = z.infer<typeof search>;

export const eventsQuery = ({ from, to, ...s }: EventsSearch) =>
  apiQuery('/admin/v1/events', { params: { query: { limit: PAGE_SIZE, ...s, ...dayRange(from, to) } } });

export const eventsRoute = createRoute({
  getParentRoute: () => consoleRoute,
  path: 'events',
  staticData: { nav: { label: 'nav.events', order: 80, api: '/admin/v1/events' } },
  validateSearch: search,
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) => context.queryClient.ensureQueryData(eventsQuery(deps)),
  component: lazyRouteComponent(() => import('./Page'), 'EventsPage'),
});

export const eventQuery = (id: string) => apiQuery('/admin/v1/events/{id}', { params: { path: { id } } });

export const eventRoute = createRoute({
  getParentRoute: () => consoleRoute,
  path: 'events/$id',
  loader: ({ context, params }) => context.queryClient.ensureQueryData(eventQuery(params.id)),
  component: lazyRouteComponent(() => import('./Detail'), 'EventDetail'),
});
