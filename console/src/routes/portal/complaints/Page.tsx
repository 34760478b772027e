/** The shop's consumer complaints, the ones to answer first on top: each with its deadline (respond_by) and whether it is overdue. */
import { Tag } from 'antd';
import { useSuspenseQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import type { Row } from '../../../api/types';
import { useT } from '../../../i18n';
import { Filters, ListTable } from '../../../ui/list';
import { Page } from '../../../ui/Page';
import { StateTag, Time } from '../../../ui/format';
import { STATES } from '../../console/complaints/route';
import { portalComplaintsQuery, portalComplaintsRoute } from './route';

type Complaint = Row<'/portal/v1/complaints'>;

export function PortalComplaintsPage() {
  const t = useT();
  const search = portalComplaintsRoute.useSearch();
  const navigate = useNavigate({ from: portalComplaintsRoute.fullPath });
  const { data, isFetching } = useSuspenseQuery(portalComplaintsQuery(search));
  return (
    <Page title={t('nav.complaints')}>
      <Filters
        values={search}
        onSearch={(v) => void navigate({ search: { ...v, cursor: undefined } })}
        fields={[{ name: 'state', label: 'complaint_state', options: STATES }]}
      />
      <ListTable<Complaint>
        page={data}
        busy={isFetching}
        cursor={search.cursor}
        rowKey={(c) => String(c.complaint_id)}
        testId="portal-complaints-table"
        columns={[
          {
            title: 'complaint_id',
            dataIndex: 'complaint_id',
            render: (v: string) => (
              <Link to="/portal/complaints/$complaintId" params={{ complaintId: v }}>
                {v}
              </Link>
            ),
          },
          { title: 'complaint_time', dataIndex: 'complaint_time', render: (v: string) => <Time value={v} /> },
          { title: 'complaint_state', dataIndex: 'complaint_state', render: (v: string) => <StateTag value={v} /> },
          { title: t('complaints.respondBy'), dataIndex: 'respond_by', render: (v: string) => <Time value={v} /> },
          { title: 'overdue', dataIndex: 'overdue', render: (v: boolean) => (v ? <Tag color="red">{t('complaints.overdue')}</Tag> : null) },
          { title: 'payer_phone', dataIndex: 'payer_phone' },
          { title: 'complaint_detail', dataIndex: 'complaint_detail', ellipsis: true },
        ]}
      />
    </Page>
  );
}
