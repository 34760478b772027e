/**
 * The refund button of an order, shared by the operator's order page and the shop's: a form in yuan
 * (sent as fen) for at most what is left to refund, a suggested out_refund_no, and feedback naming the
 * refund WeChat Pay accepted. Nothing is shown for an order that is unpaid or fully refunded.
 */
import { Form, Input, InputNumber } from 'antd';
import { useLang } from '../i18n';
import { formatMoney } from '../lib/format';
import { FormDialog } from './actions';

export interface RefundableOrder {
  out_trade_no: string;
  trade_state: string;
  amount?: { total?: number };
  refunded_total?: number;
}

export interface RefundRequest {
  out_refund_no: string;
  amount: { refund: number; currency: 'CNY' };
  reason?: string;
}

interface RefundAnswer {
  refund: { out_refund_no: string; status: string; amount: { refund: number } };
}

/** A fresh out_refund_no one may keep or replace: the prefix, the time and 4 random characters. */
function suggestRefundNo(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`.toUpperCase();
}

export function RefundDialog({
  order,
  refund,
  testId,
  refundNoPrefix,
}: {
  order: RefundableOrder;
  refund: (body: RefundRequest) => Promise<RefundAnswer>;
  testId: string;
  /** Tells operators' refunds (OPR) from the shop's own (R) at a glance. */
  refundNoPrefix: string;
}) {
  const { t, lang } = useLang();
  const paid = order.trade_state === 'SUCCESS' || order.trade_state === 'REFUND';
  const refundable = (order.amount?.total ?? 0) - (order.refunded_total ?? 0);
  if (!paid || refundable <= 0) return null;
  return (
    <FormDialog<{ yuan: number; out_refund_no: string; reason?: string }>
      open={t('orders.refund')}
      title={t('orders.refundTitle', { no: order.out_trade_no, max: formatMoney(refundable, lang) })}
      okText={t('orders.refund')}
      danger
      testId={testId}
      initialValues={{ yuan: refundable / 100, out_refund_no: suggestRefundNo(refundNoPrefix) }}
      submit={async (v) => {
        const r = await refund({
          out_refund_no: v.out_refund_no,
          amount: { refund: Math.round(v.yuan * 100), currency: 'CNY' },
          reason: v.reason || undefined,
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
  );
}
