/** One of the shop's orders with its refunds; owner and staff refund it here (a viewer sees no button). */
import { Descriptions } from 'antd';
import { useSuspenseQuery } from '@tanstack/react-query';
import { useApiMutation } from '../../../api/query';
import { useT } from '../../../i18n';
import { useCan } from '../../../surfaces/surface';
import { Page, Section } from '../../../ui/Page';
import { Money, StateTag, Time } from '../../../ui/format';
import { RefundsTable } from '../../../ui/orders';
import { RefundDialog } from '../../../ui/refund';
import { portalOrderQuery, portalOrderRoute } from './route';

export function PortalOrderDetail() {
  const t = useT();
  const canWrite = useCan();
  const { outTradeNo } = portalOrderRoute.useParams();
  const { order, refunds } = useSuspenseQuery(portalOrderQuery(outTradeNo)).data;
  const refund = useApiMutation('post', '/portal/v1/refunds', { also: ['/portal/v1/orders'] });
  const refundButton = canWrite ? (
    <RefundDialog
      order={order}
      testId="portal-refund"
      refundNoPrefix="R"
      refund={(body) => refund.mutateAsync({ body: { out_trade_no: order.out_trade_no, ...body } })}
    />
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
        <RefundsTable refunds={refunds} />
      </Section>
    </Page>
  );
}
