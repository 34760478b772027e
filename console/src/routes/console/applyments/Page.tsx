/** Applyments (特约商户进件): their state, by provider and state. */
import { Button } from 'antd';
import { useSuspenseQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import type { Row } from '../../../api/types';
import { useT } from '../../../i18n';
import { useCan } from '../../../surfaces/surface';
import { Filters, ListTable } from '../../../ui/list';
import { Page } from '../../../ui/Page';
import { StateTag, Time } from '../../../ui/format';
import { APPLYMENT_STATES, applymentsQuery, applymentsRoute } from './route';

export function ApplymentsPage() {
  const t = useT();
  const canWrite = useCan();
  const search = applymentsRoute.useSearch();
  const navigate = useNavigate({ from: applymentsRoute.fullPath });
  const { data, isFetching } = useSuspenseQuery(applymentsQuery(search));
  return (
    <Page
      title={t('nav.applyments')}
      extra={
        canWrite && (
          <Button type="primary" onClick={() => void navigate({ to: '/console/applyments/new' })}>
            {t('applyments.new')}
          </Button>
        )
      }
    >
      <Filters
        values={search}
        onSearch={(v) => void navigate({ search: { ...v, cursor: undefined } })}
        fields={[
          { name: 'sp_mchid', label: 'sp_mchid' },
          { name: 'state', label: 'state', options: APPLYMENT_STATES, width: 280 },
        ]}
      />
      <ListTable<Row<'/admin/v1/applyments'>>
        page={data}
        busy={isFetching}
        cursor={search.cursor}
        rowKey="id"
        testId="applyments-table"
        columns={[
          {
            title: 'business_code',
            dataIndex: 'business_code',
            render: (v: string, r) => (
              <Link to="/console/applyments/$id" params={{ id: r.id }}>
                {v}
              </Link>
            ),
          },
          { title: t('applyments.merchant'), key: 'merchant', render: (_: unknown, r) => r.tenant?.name },
          { title: 'state', dataIndex: 'state', render: (v: string, r) => <StateTag value={r.state_desc ? `${v} ${r.state_desc}` : v} /> },
          { title: 'applyment_id', dataIndex: 'applyment_id' },
          { title: 'sub_mchid', dataIndex: 'sub_mchid' },
          {
            title: 'tenant_id',
            dataIndex: 'tenant_id',
            render: (v: string | null) =>
              v ? (
                <Link to="/console/tenants/$id" params={{ id: v }}>
                  {v}
                </Link>
              ) : null,
          },
          { title: t('common.updatedAt'), dataIndex: 'updated_at', render: (v: string) => <Time value={v} /> },
        ]}
      />
    </Page>
  );
}
