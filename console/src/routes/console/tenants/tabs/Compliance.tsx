/** Each 二清 rule for this tenant and whether it holds, and its splits against the ratio it authorised. */
import { Alert, Descriptions, Table, Tag } from 'antd';
import { useSuspenseQuery } from '@tanstack/react-query';
import type { Data } from '../../../../api/types';
import { useT } from '../../../../i18n';
import { formatRatio } from '../../../../lib/format';
import { Money } from '../../../../ui/format';
import { complianceQuery } from '../route';

type Rule = Data<'/admin/v1/tenants/{id}/compliance'>['rules'][number];

export function ComplianceTab({ id }: { id: string }) {
  const t = useT();
  const report = useSuspenseQuery(complianceQuery(id)).data;
  const ps = report.profit_sharing;
  return (
    <>
      <Alert
        type={report.compliant ? 'success' : 'error'}
        showIcon
        title={report.compliant ? t('compliance.compliant') : t('compliance.notCompliant')}
        style={{ marginBottom: 12 }}
      />
      <Table<Rule>
        size="small"
        rowKey="rule"
        pagination={false}
        dataSource={report.rules}
        columns={[
          { title: t('compliance.rule'), dataIndex: 'rule', render: (v: string) => <code>{v}</code> },
          {
            title: t('compliance.holds'),
            dataIndex: 'holds',
            render: (v: boolean) => <Tag color={v ? 'green' : 'red'}>{v ? t('compliance.holdsYes') : t('compliance.holdsNo')}</Tag>,
          },
          { title: t('compliance.explanation'), dataIndex: 'explanation' },
        ]}
      />
      <Descriptions title={t('nav.profitSharing')} size="small" bordered column={{ xs: 1, lg: 3 }} style={{ marginTop: 16 }}>
        <Descriptions.Item label={t('tenants.maxRatioShown')}>{formatRatio(ps.max_ratio)}</Descriptions.Item>
        <Descriptions.Item label={t('profitSharing.ordersSplit')}>{ps.orders_split}</Descriptions.Item>
        <Descriptions.Item label={t('profitSharing.highestShare')}>{formatRatio(ps.highest_share)}</Descriptions.Item>
        <Descriptions.Item label={t('profitSharing.splitTotal')}>
          <Money fen={ps.split_total} />
        </Descriptions.Item>
        <Descriptions.Item label={t('profitSharing.paidTotal')}>
          <Money fen={ps.paid_total} />
        </Descriptions.Item>
      </Descriptions>
    </>
  );
}
