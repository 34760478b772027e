/** What each tag groups, shown in the document's `tags`; a tag missing here gets a generic line. */
export const TAG_DESCRIPTIONS: Record<string, string> = {
  orders: "A tenant's orders: create (with wx.requestPayment parameters), query, pay again, close",
  refunds: "A tenant's refunds",
  events: "A tenant's own events, as its webhook received them",
  checkout: "What a mini-program calls with an order's client_secret",
  'profit-sharing': 'Splits (分账), unfreezes and returns of a paid order',
  meta: 'The contract itself and health',
  health: 'Liveness and readiness',
  webhooks: 'What partnerpay POSTs to a tenant\u2019s webhook_url, signed with Partnerpay-Signature',
};
