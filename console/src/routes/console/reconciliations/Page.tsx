/** Reconciliation runs (a provider's trade bill of a Beijing day against the local orders and refunds); admins start or rerun one. */
import { Checkbox, Form, Input, Select } from 'antd';
import { useQuery, useSuspenseQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useApiMutation } from '../../../api/query';
import type { Row } from '../../../api/types';
import { useT } from '../../../i18n';
import { beijingYesterday } from '../../../lib/format';
import { useCan } from '../../../surfaces/surface';
import { FormDialog } from '../../../ui/actions';
import { Filters, ListTable } from '../../../ui/list';
import { Page } from '../../../ui/Page';
import { StateTag, Time } from '../../../ui/format';
import { providersQuery } from '../providers/route';
import { reconciliationsQuery, reconciliationsRoute } from './route';

type Run = Row<'/admin/v1/reconciliations'>;

export function ReconciliationsPage() {
  const t = useT();
  const canWrite = useCan();
  const search = reconciliationsRoute.useSearch();
  const navigate = useNavigate({ from: reconciliationsRoute.fullPath });
  const { data, isFetching } = useSuspenseQuery(reconciliationsQuery(search));
  return (
    <Page title={t('nav.reconciliations')} extra={canWrite && <StartRun />}>
      <Filters
        values={search}
        onSearch={(v) => void navigate({ search: { ...v, cursor: undefined } })}
        fields={[
          { name: 'sp_mchid', label: 'sp_mchid' },
          { name: 'bill_date', label: 'bill_date', day: true },
        ]}
      />
      <ListTable<Run>
        page={data}
        busy={isFetching}
        cursor={search.cursor}
        rowKey="id"
        testId="reconciliations-table"
        columns={[
          {
            title: 'id',
            dataIndex: 'id',
            render: (v: string) => (
              <Link to="/console/reconciliations/$id" params={{ id: v }}>
                {v}
              </Link>
            ),
          },
          { title: 'sp_mchid', dataIndex: 'sp_mchid' },
          { title: 'bill_date', dataIndex: 'bill_date' },
          { title: 'status', dataIndex: 'status', render: (v: string) => <StateTag value={v} /> },
          { title: t('reconciliations.matched'), dataIndex: ['summary', 'matched'], align: 'right' },
          {
            title: t('reconciliations.discrepancies'),
            key: 'discrepancies',
            align: 'right',
            render: (_: unknown, r) =>
              r.summary
                ? r.summary.missing_local + r.summary.missing_upstream + r.summary.amount_mismatch + r.summary.state_mismatch
                : null,
          },
          { title: t('reconciliations.fixed'), dataIndex: ['summary', 'fixed'], align: 'right' },
          { title: 'started_at', dataIndex: 'started_at', render: (v: string) => <Time value={v} /> },
          { title: 'finished_at', dataIndex: 'finished_at', render: (v: string) => <Time value={v} /> },
          { title: 'error', dataIndex: 'error', ellipsis: true },
        ]}
      />
    </Page>
  );
}

/** POST /admin/v1/reconciliations (the same provider and day answer the current run unless "rerun"). */
export function StartRun({ spMchid, billDate, rerun }: { spMchid?: string; billDate?: string; rerun?: boolean }) {
  const t = useT();
  const navigate = useNavigate();
  const providers = useQuery(providersQuery({}));
  const start = useApiMutation('post', '/admin/v1/reconciliations');
  return (
    <FormDialog<{ sp_mchid: string; bill_date: string; rerun: boolean }>
      open={rerun ? t('reconciliations.rerun') : t('reconciliations.start')}
      buttonType={rerun ? 'default' : 'primary'}
      title={rerun ? t('reconciliations.rerun') : t('reconciliations.start')}
      okText={rerun ? t('reconciliations.rerun') : t('reconciliations.start')}
      initialValues={{ sp_mchid: spMchid, bill_date: billDate ?? beijingYesterday(), rerun: !!rerun }}
      submit={async (v) => {
        const { reconciliation: r } = await start.mutateAsync({ body: { sp_mchid: v.sp_mchid, bill_date: v.bill_date, rerun: v.rerun } });
        await navigate({ to: '/console/reconciliations/$id', params: { id: String(r.id) } });
        return t('reconciliations.started', { id: String(r.id), date: String(r.bill_date), status: String(r.status) });
      }}
    >
      <Form.Item name="sp_mchid" label="sp_mchid" htmlFor="rec-sp" rules={[{ required: true }]}>
        <Select
          id="rec-sp"
          disabled={!!spMchid}
          options={(providers.data?.data ?? []).map((p) => ({ value: p.sp_mchid, label: `${p.sp_mchid} ${p.name}` }))}
        />
      </Form.Item>
      <Form.Item name="bill_date" label="bill_date" htmlFor="rec-date" rules={[{ required: true }]} extra={t('reconciliations.dateHint')}>
        <Input id="rec-date" type="date" disabled={!!billDate} />
      </Form.Item>
      <Form.Item name="rerun" valuePropName="checked" extra={t('reconciliations.rerunHint')}>
        <Checkbox disabled={rerun}>{t('reconciliations.rerunLabel')}</Checkbox>
      </Form.Item>
    </FormDialog>
  );
}
