/** Tenants (特约商户): search by provider, sub_mchid and status; admins create them (secrets shown once). */
import { useState } from 'react';
import { useSuspenseQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import type { Data, Row } from '../../../api/types';
import { useT } from '../../../i18n';
import { useCan } from '../../../surfaces/surface';
import { SecretOnce } from '../../../ui/data';
import { Filters, ListTable } from '../../../ui/list';
import { Page } from '../../../ui/Page';
import { StateTag, Time } from '../../../ui/format';
import { CreateTenant } from './CreateTenant';
import { TENANT_STATUSES, tenantsQuery, tenantsRoute } from './route';

export function TenantsPage() {
  const t = useT();
  const canWrite = useCan();
  const search = tenantsRoute.useSearch();
  const navigate = useNavigate({ from: tenantsRoute.fullPath });
  const { data, isFetching } = useSuspenseQuery(tenantsQuery(search));
  const [created, setCreated] = useState<Data<'/admin/v1/tenants', 'post'> | null>(null);
  return (
    <Page title={t('nav.tenants')} extra={canWrite && <CreateTenant onCreated={setCreated} />}>
      {created && (
        <>
          <SecretOnce label="secret_key" value={created.secret_key} warning={t('tenants.secretOnce')} />
          <SecretOnce label="webhook_secret" value={created.webhook_secret} warning={t('tenants.secretOnce')} />
        </>
      )}
      <Filters
        values={search}
        onSearch={(v) => void navigate({ search: { ...v, cursor: undefined } })}
        fields={[
          { name: 'sp_mchid', label: 'sp_mchid' },
          { name: 'sub_mchid', label: 'sub_mchid' },
          { name: 'status', label: 'status', options: TENANT_STATUSES },
        ]}
      />
      <ListTable<Row<'/admin/v1/tenants'>>
        page={data}
        busy={isFetching}
        cursor={search.cursor}
        rowKey="id"
        testId="tenants-table"
        columns={[
          {
            title: t('tenants.name'),
            dataIndex: 'name',
            render: (v: string, r) => (
              <Link to="/console/tenants/$id" params={{ id: r.id }}>
                {v}
              </Link>
            ),
          },
          { title: 'id', dataIndex: 'id' },
          { title: 'sp_mchid', dataIndex: 'sp_mchid' },
          { title: 'sub_mchid', dataIndex: 'sub_mchid' },
          { title: 'status', dataIndex: 'status', render: (v: string) => <StateTag value={v} /> },
          { title: t('tenants.apps'), dataIndex: 'apps', render: (apps: { appid: string }[]) => apps.map((a) => a.appid).join(', ') },
          { title: t('common.createdAt'), dataIndex: 'created_at', render: (v: string) => <Time value={v} /> },
        ]}
      />
    </Page>
  );
}
