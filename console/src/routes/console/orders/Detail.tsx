/**
 * One order: its fields (money in yuan, times in Beijing time), its refunds and its events; an admin
 * operator's close and refund buttons in the heading (OrderActions).
 */
import { Descriptions, Table } from 'antd';
import { useSuspenseQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { Row } from '../../../api/types';
import { useT } from '../../../i18n';
import { Page, Section } from '../../../ui/Page';
import { Money, StateTag, Time } from '../../../ui/format';
import { RefundsTable } from '../../../ui/orders';
import { OrderActions } from './Actions';
import { orderQuery, orderRefundsQuery, orderRoute, tenantEventsQuery } from './route';

type Event = Row<'/admin/v1/events'>;

export function OrderDetail() {
  const t = useT();
  const { id } = orderRoute.useParams();
  const { order } = useSuspenseQuery(orderQuery(id)).data;
  const refunds = useSuspenseQuery(orderRefundsQuery(order.tenant_id, order.out_trade_no)).data.data;
  const events = useSuspenseQuery(tenantEventsQuery(order.tenant_id)).data.data.filter((e: Event) =>
    aboutOrder(e, order.id, order.out_trade_no),
  );
  return (
    <Page
      title={`${t('orders.title')} ${order.out_trade_no}`}
      tag={<StateTag value={order.trade_state} />}
      extra={<OrderActions order={order} />}
    >
      <Descriptions size="small" bordered column={{ xs: 1, lg: 2 }}>
        <Descriptions.Item label="out_trade_no">{order.out_trade_no}</Descriptions.Item>
        <Descriptions.Item label="id">{order.id}</Descriptions.Item>
        <Descriptions.Item label="tenant_id">
          <Link to="/console/tenants/$id" params={{ id: order.tenant_id }}>
            {order.tenant_id}
          </Link>
        </Descriptions.Item>
        <Descriptions.Item label="sp_mchid / sub_mchid">
          {order.sp_mchid} / {order.sub_mchid}
        </Descriptions.Item>
        <Descriptions.Item label="appid">{order.appid}</Descriptions.Item>
        <Descriptions.Item label="trade_type">{order.trade_type}</Descriptions.Item>
        <Descriptions.Item label="description">{order.description}</Descriptions.Item>
        <Descriptions.Item label="trade_state">
          <StateTag value={order.trade_state} /> {order.trade_state_desc}
        </Descriptions.Item>
        <Descriptions.Item label="transaction_id">{order.transaction_id}</Descriptions.Item>
        <Descriptions.Item label={t('orders.amount')}>
          <Money fen={order.amount?.total} />
        </Descriptions.Item>
        <Descriptions.Item label={t('orders.payerTotal')}>
          <Money fen={order.amount?.payer_total} />
        </Descriptions.Item>
        <Descriptions.Item label={t('orders.refunded')}>
          <span data-testid="refunded-total">
            <Money fen={order.refunded_total} />
          </span>
        </Descriptions.Item>
        <Descriptions.Item label="profit_sharing">{order.profit_sharing ? t('common.yes') : t('common.no')}</Descriptions.Item>
        <Descriptions.Item label="payer.openid">{order.payer?.openid}</Descriptions.Item>
        <Descriptions.Item label="attach">{order.attach}</Descriptions.Item>
        <Descriptions.Item label={t('common.createdAt')}>
          <Time value={order.created_at} />
        </Descriptions.Item>
        <Descriptions.Item label="success_time">
          <Time value={order.success_time} />
        </Descriptions.Item>
        <Descriptions.Item label="expires_at">
          <Time value={order.expires_at} />
        </Descriptions.Item>
      </Descriptions>
      <Section title={t('nav.refunds')}>
        <RefundsTable refunds={refunds} />
      </Section>
      <Section title={t('nav.events')}>
        <Table<Event>
          size="small"
          rowKey="id"
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          dataSource={events}
          locale={{ emptyText: t('common.none') }}
          columns={[
            {
              title: 'id',
              dataIndex: 'id',
              render: (v: string) => (
                <Link to="/console/events/$id" params={{ id: v }}>
                  {v}
                </Link>
              ),
            },
            { title: 'type', dataIndex: 'type' },
            { title: 'status', dataIndex: ['delivery', 'status'], render: (v: string) => <StateTag value={v} /> },
            { title: t('common.createdAt'), dataIndex: 'created_at', render: (v: string) => <Time value={v} /> },
          ]}
        />
      </Section>
    </Page>
  );
}

/** Whether an event is about this order (its data carries the order, or a refund of it). */
function aboutOrder(e: Event, id: string, outTradeNo: string): boolean {
  const d = e.data as { order?: { id?: string }; refund?: { out_trade_no?: string }; out_trade_no?: string };
  return d.order?.id === id || d.refund?.out_trade_no === outTradeNo || d.out_trade_no === outTradeNo;
}
