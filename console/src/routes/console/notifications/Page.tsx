/** Every notification WeChat Pay sent, with the key that verified it or the check that refused it. */
import { Tag } from 'antd';
import { useSuspenseQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import type { Row } from '../../../api/types';
import { useT } from '../../../i18n';
import { Json } from '../../../ui/data';
import { Filters, ListTable } from '../../../ui/list';
import { Page } from '../../../ui/Page';
import { StateTag, Time } from '../../../ui/format';
import { notificationsQuery, notificationsRoute, OUTCOMES } from './route';

type Notification = Row<'/admin/v1/notifications'>;

/** The check that refused a notification: a failed verification, or the gate's own check (detail.check). */
export function refusingCheck(n: Notification): string | null {
  if (n.verification && n.verification !== 'ok') return n.verification;
  return (n.detail as { check?: string } | null)?.check ?? null;
}

export function NotificationsPage() {
  const t = useT();
  const search = notificationsRoute.useSearch();
  const navigate = useNavigate({ from: notificationsRoute.fullPath });
  const { data, isFetching } = useSuspenseQuery(notificationsQuery(search));
  return (
    <Page title={t('nav.notifications')}>
      <Filters
        values={search}
        onSearch={(v) => void navigate({ search: { ...v, cursor: undefined } })}
        fields={[
          { name: 'tenant_id', label: 'tenant_id', width: 240 },
          { name: 'outcome', label: 'outcome', options: OUTCOMES },
        ]}
      />
      <ListTable<Notification>
        page={data}
        busy={isFetching}
        cursor={search.cursor}
        rowKey="id"
        testId="notifications-table"
        expandable={{ expandedRowRender: (n) => <Json value={n} label={n.id} /> }}
        columns={[
          { title: 'received_at', dataIndex: 'received_at', render: (v: string) => <Time value={v} /> },
          {
            title: 'tenant_id',
            dataIndex: 'tenant_id',
            render: (v: string) => (
              <Link to="/console/tenants/$id" params={{ id: v }}>
                {v}
              </Link>
            ),
          },
          { title: 'kind', dataIndex: 'kind' },
          { title: 'event_type', dataIndex: 'event_type' },
          { title: 'outcome', dataIndex: 'outcome', render: (v: string) => <StateTag value={v} /> },
          {
            title: t('notifications.check'),
            key: 'check',
            render: (_: unknown, n) => {
              const check = refusingCheck(n);
              return check ? <Tag color="red">{check}</Tag> : null;
            },
          },
          { title: 'verified_by', dataIndex: 'verified_by' },
          {
            title: t('notifications.about'),
            key: 'about',
            render: (_: unknown, n) => {
              const d = (n.detail ?? {}) as { out_trade_no?: string; out_refund_no?: string };
              return d.out_trade_no ? (
                <Link to="/console/orders" search={{ out_trade_no: d.out_trade_no, tenant_id: n.tenant_id ?? undefined }}>
                  {d.out_trade_no}
                </Link>
              ) : d.out_refund_no ? (
                <Link to="/console/refunds" search={{ tenant_id: n.tenant_id ?? undefined }}>
                  {d.out_refund_no}
                </Link>
              ) : null;
            },
          },
        ]}
      />
    </Page>
  );
}
