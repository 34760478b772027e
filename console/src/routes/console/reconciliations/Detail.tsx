/** One run: the bill, the summary, each tenant's totals, and the discrepancies (paged, by tenant and kind). */
import { Alert, Descriptions, Flex, Table, Tag } from 'antd';
import { useSuspenseQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import type { Row } from '../../../api/types';
import { useT } from '../../../i18n';
import { useCan } from '../../../surfaces/surface';
import { Filters, ListTable } from '../../../ui/list';
import { Page, Section } from '../../../ui/Page';
import { DASH, Money, StateTag, Time } from '../../../ui/format';
import { StartRun } from './Page';
import { DISCREPANCY_KINDS, discrepanciesQuery, reconciliationQuery, reconciliationRoute } from './route';

type Discrepancy = Row<'/admin/v1/reconciliations/{id}/discrepancies'>;
interface TenantPart {
  tenant_id: string;
  sub_mchid: string;
  summary: Record<string, number>;
  totals: { paid: number; refunded: number; fee: number };
  fundflow?: { fee: number | null; fee_ties: boolean | null };
}
const SUMMARY_KEYS = ['matched', 'missing_local', 'missing_upstream', 'amount_mismatch', 'state_mismatch', 'fixed'] as const;

export function ReconciliationDetail() {
  const t = useT();
  const canWrite = useCan();
  const { id } = reconciliationRoute.useParams();
  const search = reconciliationRoute.useSearch();
  const navigate = useNavigate({ from: reconciliationRoute.fullPath });
  const run = useSuspenseQuery(reconciliationQuery(id)).data.reconciliation;
  const discrepancies = useSuspenseQuery(discrepanciesQuery(id, search));
  const summary = run.summary as Record<string, number> | null;
  const pending = run.status === 'running' ? t('common.notYet') : DASH;
  return (
    <Page
      title={`${t('reconciliations.title')} ${run.sp_mchid} ${run.bill_date}`}
      tag={<StateTag value={run.status} />}
      extra={canWrite && <StartRun spMchid={run.sp_mchid} billDate={run.bill_date} rerun />}
    >
      {run.error && <Alert type="error" showIcon title={String(run.error)} style={{ marginBottom: 12 }} />}
      <Descriptions size="small" bordered column={{ xs: 1, lg: 3 }}>
        <Descriptions.Item label="id">{run.id}</Descriptions.Item>
        <Descriptions.Item label="sp_mchid">
          <Link to="/console/providers/$spMchid" params={{ spMchid: run.sp_mchid }}>
            {run.sp_mchid}
          </Link>
        </Descriptions.Item>
        <Descriptions.Item label="bill_date">{run.bill_date}</Descriptions.Item>
        <Descriptions.Item label={t('reconciliations.billRows')}>{run.bill?.rows ?? pending}</Descriptions.Item>
        <Descriptions.Item label={t('reconciliations.hashVerified')}>
          {/* The stored flag starts false, and stays false for a day with no bill: it says something only for a bill read in full. */}
          {run.status === 'done' && (run.bill?.rows ?? 0) > 0 && typeof run.bill?.hash_verified === 'boolean' ? (
            <StateTag value={String(run.bill.hash_verified)} />
          ) : (
            pending
          )}
        </Descriptions.Item>
        <Descriptions.Item label={t('reconciliations.attempts')}>{run.attempts}</Descriptions.Item>
        <Descriptions.Item label="started_at">
          <Time value={run.started_at} empty={DASH} />
        </Descriptions.Item>
        <Descriptions.Item label="finished_at">
          <Time value={run.finished_at} empty={pending} />
        </Descriptions.Item>
        <Descriptions.Item label="next_attempt_at">
          <Time value={run.next_attempt_at} empty={DASH} />
        </Descriptions.Item>
      </Descriptions>
      {summary && (
        <Flex gap={8} wrap style={{ marginTop: 12 }}>
          {SUMMARY_KEYS.map((k) => (
            <Tag key={k} color={k === 'matched' || k === 'fixed' ? 'green' : summary[k] ? 'red' : 'default'}>
              {k}: {summary[k] ?? 0}
            </Tag>
          ))}
        </Flex>
      )}
      <Section title={t('reconciliations.tenants')}>
        <Table<TenantPart>
          size="small"
          rowKey="tenant_id"
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          dataSource={(run.tenants ?? []) as TenantPart[]}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: t('common.none') }}
          columns={[
            {
              title: 'tenant_id',
              dataIndex: 'tenant_id',
              render: (v: string) => (
                <Link to="/console/tenants/$id" params={{ id: v }}>
                  {v}
                </Link>
              ),
            },
            { title: 'sub_mchid', dataIndex: 'sub_mchid' },
            { title: t('reconciliations.paid'), dataIndex: ['totals', 'paid'], align: 'right', render: (v: number) => <Money fen={v} /> },
            {
              title: t('reconciliations.refunded'),
              dataIndex: ['totals', 'refunded'],
              align: 'right',
              render: (v: number) => <Money fen={v} />,
            },
            { title: t('reconciliations.fee'), dataIndex: ['totals', 'fee'], align: 'right', render: (v: number) => <Money fen={v} /> },
            { title: t('reconciliations.matched'), dataIndex: ['summary', 'matched'], align: 'right' },
            {
              title: t('reconciliations.discrepancies'),
              key: 'd',
              align: 'right',
              render: (_: unknown, r) =>
                (r.summary.missing_local ?? 0) +
                (r.summary.missing_upstream ?? 0) +
                (r.summary.amount_mismatch ?? 0) +
                (r.summary.state_mismatch ?? 0),
            },
            {
              title: t('reconciliations.feeTies'),
              dataIndex: ['fundflow', 'fee_ties'],
              render: (v: boolean | null | undefined) => (v === null || v === undefined ? DASH : <StateTag value={String(v)} />),
            },
          ]}
        />
      </Section>
      <Section title={t('reconciliations.discrepancies')}>
        <Filters
          values={search}
          onSearch={(v) => void navigate({ search: { ...v, cursor: undefined } })}
          fields={[
            { name: 'tenant_id', label: 'tenant_id', width: 240 },
            { name: 'kind', label: 'kind', options: DISCREPANCY_KINDS, width: 200 },
          ]}
        />
        <ListTable<Discrepancy>
          page={discrepancies.data}
          busy={discrepancies.isFetching}
          cursor={search.cursor}
          rowKey="id"
          testId="discrepancies-table"
          columns={[
            { title: 'kind', dataIndex: 'kind', render: (v: string) => <StateTag value={v} /> },
            { title: 'status', dataIndex: 'status', render: (v: string) => <StateTag value={v} /> },
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
            {
              title: 'out_trade_no',
              dataIndex: 'out_trade_no',
              render: (v: string | null, r) =>
                v ? (
                  <Link to="/console/orders" search={{ out_trade_no: v, tenant_id: r.tenant_id ?? undefined }}>
                    {v}
                  </Link>
                ) : null,
            },
            { title: 'out_refund_no', dataIndex: 'out_refund_no' },
            {
              title: t('reconciliations.billAmount'),
              dataIndex: ['bill', 'amount'],
              align: 'right',
              render: (v: number | null) => <Money fen={v} />,
            },
            { title: t('reconciliations.billState'), dataIndex: ['bill', 'state'] },
            {
              title: t('reconciliations.localAmount'),
              dataIndex: ['local', 'amount'],
              align: 'right',
              render: (v: number | null) => <Money fen={v} />,
            },
            { title: t('reconciliations.localState'), dataIndex: ['local', 'state'] },
            { title: 'note', dataIndex: 'note', ellipsis: true },
          ]}
        />
      </Section>
    </Page>
  );
}
