/** One of the shop's orders with its refunds; owner and staff refund it here (a viewer sees no button). */
import { Descriptions, Form, Input, InputNumber, Table } from 'antd';
import { useSuspenseQuery } from '@tanstack/react-query';
import { useApiMutation } from '../../../api/query';
import { useLang } from '../../../i18n';
import { formatMoney } from '../../../lib/format';
import { useCan } from '../../../surfaces/surface';
import { FormDialog } from '../../../ui/actions';
import { Page, Section } from '../../../ui/Page';
import { Money, StateTag, Time } from '../../../ui/format';
import { portalOrderQuery, portalOrderRoute } from './route';

const suggestRefundNo = () => `R${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`.toUpperCase();

export function PortalOrderDetail() {
  const { t, lang } = useLang();
  const canWrite = useCan();
  const { outTradeNo } = portalOrderRoute.useParams();
  const { order, refunds } = useSuspenseQuery(portalOrderQuery(outTradeNo)).data;
  const refund = useApiMutation('post', '/portal/v1/refunds', { also: ['/portal/v1/orders'] });
  const paid = order.trade_state === 'SUCCESS' || order.trade_state === 'REFUND';
  const refundable = (order.amount?.total ?? 0) - (order.refunded_total ?? 0);
  const refundButton =
    canWrite && paid && refundable > 0 ? (
      <FormDialog<{ yuan: number; out_refund_no: string; reason?: string }>
        open={t('orders.refund')}
        title={t('orders.refundTitle', { no: order.out_trade_no, max: formatMoney(refundable, lang) })}
        okText={t('orders.refund')}
        danger
        testId="portal-refund"
        initialValues={{ yuan: refundable / 100, out_refund_no: suggestRefundNo() }}
        submit={async (v) => {
          const r = await refund.mutateAsync({
            body: {
              out_trade_no: order.out_trade_no,
              out_refund_no: v.out_refund_no,
              amount: { refund: Math.round(v.yuan * 100), currency: 'CNY' },
              reason: v.reason || undefined,
            },
          });
          return t('orders.refundAccepted', {
            no: r.refund.out_refund_no,
            amount: formatMoney(r.refund.amount.refund, lang),
            status: r.refund.status,
          });
        }}
      >
        <Form.Item name="yuan" label={t('orders.refundYuan')} htmlFor="refund-yuan" rules={[{ required: true }]}>
          <InputNumber id="refund-yuan" min={0.01} max={refundable / 100} step={0.01} precision={2} prefix="¥" />
        </Form.Item>
        <Form.Item
          name="out_refund_no"
          label="out_refund_no"
          htmlFor="refund-no"
          rules={[{ required: true, pattern: /^[0-9A-Za-z_\-|*@]{1,64}$/ }]}
        >
          <Input id="refund-no" maxLength={64} />
        </Form.Item>
        <Form.Item name="reason" label={t('orders.refundReason')} htmlFor="refund-reason">
          <Input id="refund-reason" maxLength={80} />
        </Form.Item>
      </FormDialog>
    ) : null;
  return (
    <Page title={`${t('orders.title')} ${order.out_trade_no}`} tag={<StateTag value={order.trade_state} />} extra={refundButton}>
      <Descriptions size="small" bordered column={{ xs: 1, lg: 2 }}>
        <Descriptions.Item label="out_trade_no">{order.out_trade_no}</Descriptions.Item>
        <Descriptions.Item label="transaction_id">{order.transaction_id}</Descriptions.Item>
        <Descriptions.Item label="description">{order.description}</Descriptions.Item>
        <Descriptions.Item label="trade_state">
          <StateTag value={order.trade_state} /> {order.trade_state_desc}
        </Descriptions.Item>
        <Descriptions.Item label={t('orders.amount')}>
          <Money fen={order.amount?.total} />
        </Descriptions.Item>
        <Descriptions.Item label={t('orders.refunded')}>
          <span data-testid="refunded-total">
            <Money fen={order.refunded_total} />
          </span>
        </Descriptions.Item>
        <Descriptions.Item label={t('common.createdAt')}>
          <Time value={order.created_at} />
        </Descriptions.Item>
        <Descriptions.Item label="success_time">
          <Time value={order.success_time} />
        </Descriptions.Item>
      </Descriptions>
      <Section title={t('nav.refunds')}>
        <Table
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={refunds}
          locale={{ emptyText: t('common.none') }}
          columns={[
            { title: 'out_refund_no', dataIndex: 'out_refund_no' },
            { title: 'status', dataIndex: 'status', render: (v: string) => <StateTag value={v} /> },
            { title: t('refunds.refund'), dataIndex: ['amount', 'refund'], align: 'right', render: (v: number) => <Money fen={v} /> },
            { title: 'reason', dataIndex: 'reason' },
            { title: t('common.createdAt'), dataIndex: 'created_at', render: (v: string) => <Time value={v} /> },
          ]}
        />
      </Section>
    </Page>
  );
}
