/** Events sent to tenants' webhooks, with their delivery state. */
import { useSuspenseQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import type { Row } from '../../../api/types';
import { useT } from '../../../i18n';
import { Filters, ListTable } from '../../../ui/list';
import { Page } from '../../../ui/Page';
import { StateTag, Time } from '../../../ui/format';
import { EVENT_STATUSES, EVENT_TYPES, eventsQuery, eventsRoute } from './route';

export function EventsPage() {
  const t = useT();
  const search = eventsRoute.useSearch();
  const navigate = useNavigate({ from: eventsRoute.fullPath });
  const { data, isFetching } = useSuspenseQuery(eventsQuery(search));
  return (
    <Page title={t('nav.events')}>
      <Filters
        values={search}
        onSearch={(v) => void navigate({ search: { ...v, cursor: undefined } })}
        fields={[
          { name: 'tenant_id', label: 'tenant_id', width: 240 },
          { name: 'type', label: 'type', options: EVENT_TYPES, width: 200 },
          { name: 'status', label: 'status', options: EVENT_STATUSES },
          { name: 'from', label: t('common.from'), day: true },
          { name: 'to', label: t('common.to'), day: true },
        ]}
      />
      <ListTable<Row<'/admin/v1/events'>>
        page={data}
        busy={isFetching}
        cursor={search.cursor}
        rowKey="id"
        testId="events-table"
        columns={[
          {
            title: 'id',
            dataIndex: 'id',
            render: (v: string) => (
              <Link to="/console/events/$id" params={{ id: v }}>
                {v}
              </Link>
            ),
          },
          { title: 'type', dataIndex: 'type' },
          {
            title: 'tenant_id',
            dataIndex: 'tenant_id',
            render: (v: string) => (
              <Link to="/console/tenants/$id" params={{ id: v }}>
                {v}
              </Link>
            ),
          },
          { title: 'status', dataIndex: ['delivery', 'status'], render: (v: string) => <StateTag value={v} /> },
          { title: t('events.attempts'), dataIndex: ['delivery', 'attempts'], align: 'right' },
          { title: 'last_http_status', dataIndex: ['delivery', 'last_http_status'] },
          { title: 'next_attempt_at', dataIndex: ['delivery', 'next_attempt_at'], render: (v: string) => <Time value={v} /> },
          { title: t('common.createdAt'), dataIndex: 'created_at', render: (v: string) => <Time value={v} /> },
        ]}
      />
    </Page>
  );
}
