/** The append-only audit log of admin writes (secrets masked): who did what to which, before and after. */
import { Col, Row as Grid, Typography } from 'antd';
import { useSuspenseQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import type { Row } from '../../../api/types';
import { useT } from '../../../i18n';
import { Json } from '../../../ui/data';
import { Filters, ListTable } from '../../../ui/list';
import { Page } from '../../../ui/Page';
import { Time } from '../../../ui/format';
import { auditQuery, auditRoute } from './route';

type Entry = Row<'/admin/v1/audit-log'>;

export function AuditPage() {
  const t = useT();
  const search = auditRoute.useSearch();
  const navigate = useNavigate({ from: auditRoute.fullPath });
  const { data, isFetching } = useSuspenseQuery(auditQuery(search));
  return (
    <Page title={t('nav.audit')}>
      <Filters
        values={search}
        onSearch={(v) => void navigate({ search: { ...v, cursor: undefined } })}
        fields={[
          { name: 'actor', label: 'actor' },
          { name: 'action', label: 'action', placeholder: 'tenant.create' },
          { name: 'target', label: 'target', placeholder: 'tenant:ten_…', width: 240 },
          { name: 'from', label: t('common.from'), day: true },
          { name: 'to', label: t('common.to'), day: true },
        ]}
      />
      <ListTable<Entry>
        page={data}
        busy={isFetching}
        cursor={search.cursor}
        rowKey="id"
        testId="audit-table"
        expandable={{
          expandedRowRender: (e) => (
            <Grid gutter={16}>
              <Col span={12}>
                <Typography.Text strong>{t('audit.before')}</Typography.Text>
                <Json value={e.before} label={t('audit.before')} />
              </Col>
              <Col span={12}>
                <Typography.Text strong>{t('audit.after')}</Typography.Text>
                <Json value={e.after} label={t('audit.after')} />
              </Col>
            </Grid>
          ),
        }}
        columns={[
          { title: t('audit.at'), dataIndex: 'at', render: (v: string) => <Time value={v} /> },
          { title: 'actor', dataIndex: 'actor' },
          { title: 'action', dataIndex: 'action', render: (v: string) => <code>{v}</code> },
          { title: 'target', dataIndex: 'target' },
          { title: 'request_id', dataIndex: 'request_id' },
        ]}
      />
    </Page>
  );
}
