/** Consumer complaints across tenants: state, respond_by and overdue first (operators chase the overdue ones). */
import { Tag } from 'antd';
import { useSuspenseQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import type { Row } from '../../../api/types';
import { useT } from '../../../i18n';
import { Json } from '../../../ui/data';
import { Filters, ListTable } from '../../../ui/list';
import { Page } from '../../../ui/Page';
import { StateTag, Time } from '../../../ui/format';
import { complaintsQuery, complaintsRoute, STATES } from './route';

type Complaint = Row<'/admin/v1/complaints'>;

export function ComplaintsPage() {
  const t = useT();
  const search = complaintsRoute.useSearch();
  const navigate = useNavigate({ from: complaintsRoute.fullPath });
  const { data, isFetching } = useSuspenseQuery(complaintsQuery(search));
  return (
    <Page title={t('nav.complaints')}>
      <Filters
        values={search}
        onSearch={(v) => void navigate({ search: { ...v, cursor: undefined } })}
        fields={[
          { name: 'tenant_id', label: 'tenant_id', width: 240 },
          { name: 'state', label: 'complaint_state', options: STATES },
          { name: 'overdue', label: 'overdue', options: ['true', 'false'] },
        ]}
      />
      <ListTable<Complaint>
        page={data}
        busy={isFetching}
        cursor={search.cursor}
        rowKey={(c) => String(c.complaint_id)}
        testId="complaints-table"
        expandable={{ expandedRowRender: (c) => <Json value={c} label={String(c.complaint_id)} /> }}
        columns={[
          { title: 'complaint_time', dataIndex: 'complaint_time', render: (v: string) => <Time value={v} /> },
          { title: 'complaint_id', dataIndex: 'complaint_id' },
          {
            title: 'tenant_id',
            dataIndex: 'tenant_id',
            render: (v: string | null, c) =>
              v ? (
                <Link to="/console/tenants/$id" params={{ id: v }}>
                  {v}
                </Link>
              ) : (
                <Tag color="orange">{t('complaints.unknownTenant', { sub_mchid: String(c.complainted_mchid) })}</Tag>
              ),
          },
          { title: 'complaint_state', dataIndex: 'complaint_state', render: (v: string) => <StateTag value={v} /> },
          { title: 'respond_by', dataIndex: 'respond_by', render: (v: string) => <Time value={v} /> },
          {
            title: 'overdue',
            dataIndex: 'overdue',
            render: (v: boolean) => (v ? <Tag color="red">{t('complaints.overdue')}</Tag> : null),
          },
          { title: 'payer_phone', dataIndex: 'payer_phone' },
          { title: 'complaint_detail', dataIndex: 'complaint_detail', ellipsis: true },
        ]}
      />
    </Page>
  );
}
