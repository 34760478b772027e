/**
 * The operator's close and refund buttons on an order (POST /admin/v1/orders/{id}/close|refunds; admin
 * only, so a viewer never sees them). Close asks first; refund opens a form in yuan (sent as fen).
 */
import { Flex, Form, Input, InputNumber } from 'antd';
import { useApiMutation } from '../../../api/query';
import type { Data } from '../../../api/types';
import { useLang, useT } from '../../../i18n';
import { formatMoney } from '../../../lib/format';
import { useCan } from '../../../surfaces/surface';
import { Action, FormDialog } from '../../../ui/actions';

type Order = Data<'/admin/v1/orders/{id}', 'get'>['order'];

/** A fresh out_refund_no the operator may keep or replace: "OPR" + time + 4 random characters. */
function suggestRefundNo(): string {
  return `OPR${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`.toUpperCase();
}

export function OrderActions({ order }: { order: Order }) {
  const t = useT();
  const { lang } = useLang();
  const canWrite = useCan();
  const also = ['/admin/v1/orders/{id}', '/admin/v1/orders', '/admin/v1/refunds', '/admin/v1/events'] as const;
  const close = useApiMutation('post', '/admin/v1/orders/{id}/close', { also });
  const refund = useApiMutation('post', '/admin/v1/orders/{id}/refunds', { also });
  if (!canWrite) return null;
  const paid = order.trade_state === 'SUCCESS' || order.trade_state === 'REFUND';
  const refundable = (order.amount?.total ?? 0) - (order.refunded_total ?? 0);
  return (
    <Flex gap={8}>
      {order.trade_state === 'NOTPAY' && (
        <Action
          danger
          testId="order-close"
          label={t('orders.close')}
          confirm={t('orders.closeConfirm', { no: order.out_trade_no })}
          run={async () => {
            const r = await close.mutateAsync({ params: { path: { id: order.id } } });
            return t('orders.closed', { no: r.order.out_trade_no, state: r.order.trade_state });
          }}
        />
      )}
      {paid && refundable > 0 && (
        <FormDialog<{ yuan: number; out_refund_no: string; reason?: string }>
          open={t('orders.refund')}
          title={t('orders.refundTitle', { no: order.out_trade_no, max: formatMoney(refundable, lang) })}
          okText={t('orders.refund')}
          danger
          testId="order-refund"
          initialValues={{ yuan: refundable / 100, out_refund_no: suggestRefundNo() }}
          submit={async (v) => {
            const r = await refund.mutateAsync({
              params: { path: { id: order.id } },
              body: {
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
      )}
    </Flex>
  );
}
