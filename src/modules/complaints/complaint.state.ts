/** WeChat Pay's complaint states (spec addendum §4.6); others it adds later are kept as they come. */
export const COMPLAINT_STATES = ['PENDING', 'PROCESSING', 'PROCESSED'] as const;

/** States in which a complaint still needs the shop: counted as open, can become overdue. */
export const OPEN_STATES: readonly string[] = ['PENDING', 'PROCESSING'];

/** The state after which nothing more is expected (complete is refused there without calling WeChat Pay). */
export const DONE_STATE = 'PROCESSED';

/** History operate_types that are a merchant's answer (they stop the respond_by clock). */
export const MERCHANT_ANSWERS: readonly string[] = [
  'MERCHANT_RESPONSE',
  'MERCHANT_CONFIRM_COMPLETE',
  'MERCHANT_APPROVE_REFUND',
  'MERCHANT_REFUSE_RERUND',
];
