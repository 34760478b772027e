import type { Refund } from '@partnerpay/wxpay';

/**
 * WeChat Pay's account of a refund: the Refund a query answers (`status`), or the decrypted REFUND.*
 * notification (`refund_status`, plus sp_mchid/sub_mchid; spec §8.4). Everything but out_refund_no
 * is optional because a notification is not trusted until it is cross-checked.
 */
export type RefundNotice = Partial<Omit<Refund, 'amount'>> & {
  out_refund_no: string;
  refund_status?: string;
  sp_mchid?: string;
  sub_mchid?: string;
  amount?: Partial<Refund['amount']>;
};
