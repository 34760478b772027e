/**
 * The operator's close and refund buttons on an order (POST /admin/v1/orders/{id}/close|refunds; admin
 * only, so a viewer never sees them). Close asks first; refund is the shared RefundDialog (yuan in, fen sent).
 */
import { Flex } from 'antd';
import { useApiMutation } from '../../../api/query';
import type { Data } from '../../../api/types';
import { useT } from '../../../i18n';
import { useCan } from '../../../surfaces/surface';
import { Action } from '../../../ui/actions';
import { RefundDialog } from '../../../ui/refund';

type Order = Data<'/admin/v1/orders/{id}', 'get'>['order'];

export function OrderActions({ order }: { order: Order }) {
  const t = useT();
  const canWrite = useCan();
  const also = ['/admin/v1/orders/{id}', '/admin/v1/orders', '/admin/v1/refunds', '/admin/v1/events'] as const;
  const close = useApiMutation('post', '/admin/v1/orders/{id}/close', { also });
  const refund = useApiMutation('post', '/admin/v1/orders/{id}/refunds', { also });
  if (!canWrite) return null;
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
      <RefundDialog
        order={order}
        testId="order-refund"
        refundNoPrefix="OPR"
        refund={(body) => refund.mutateAsync({ params: { path: { id: order.id } }, body })}
      />
    </Flex>
  );
}
