/** What partnerpay sent the shop's back end (its webhook), by type, with each event's delivery state. */
import { useSuspenseQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import type { Row } from '../../../api/types';
import { useT } from '../../../i18n';
import { Filters, ListTable } from '../../../ui/list';
import { Page } from '../../../ui/Page';
import { StateTag, Time } from '../../../ui/format';
import { EVENT_TYPES } from '../../console/events/route';
import { portalEventsQuery, portalEventsRoute } from './route';

type Event = Row<'/portal/v1/events'>;

export function PortalEventsPage() {
  const t = useT();
  const search = portalEventsRoute.useSearch();
  const navigate = useNavigate({ from: portalEventsRoute.fullPath });
  const { data, isFetching } = useSuspenseQuery(portalEventsQuery(search));
  return (
    <Page title={t('nav.events')}>
      <Filters
        values={search}
        onSearch={(v) => void navigate({ search: { ...v, cursor: undefined } })}
        fields={[{ name: 'type', label: 'type', options: EVENT_TYPES, width: 240 }]}
      />
      <ListTable<Event>
        page={data}
        busy={isFetching}
        cursor={search.cursor}
        rowKey="id"
        testId="portal-events-table"
        columns={[
          {
            title: 'id',
            dataIndex: 'id',
            render: (v: string) => (
              <Link to="/portal/events/$id" params={{ id: v }}>
                {v}
              </Link>
            ),
          },
          { title: 'type', dataIndex: 'type' },
          { title: 'status', dataIndex: ['delivery', 'status'], render: (v: string) => <StateTag value={v} /> },
          { title: t('events.attempts'), dataIndex: ['delivery', 'attempts'], align: 'right' },
          { title: 'last_http_status', dataIndex: ['delivery', 'last_http_status'] },
          { title: t('common.createdAt'), dataIndex: 'created_at', render: (v: string) => <Time value={v} /> },
        ]}
      />
    </Page>
  );
}
