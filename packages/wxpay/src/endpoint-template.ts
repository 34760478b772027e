/**
 * A WeChat Pay path reduced to its route template, for metric labels: ids (out_trade_no,
 * transaction_id, out_refund_no, sub_mchid...) and the query string never reach a label.
 * endpointTemplate('/v3/pay/partner/transactions/out-trade-no/T123/close?x=1') → '/v3/pay/partner/transactions/out-trade-no/{id}/close'
 */
export function endpointTemplate(path: string): string {
  const bare = path.split('?')[0];
  const hit = cache.get(bare);
  if (hit) return hit;
  const segments = bare.split('/');
  const out = segments.map((s, i) => (FIXED.has(s) ? s : (i > 0 && PARAM_AFTER.has(segments[i - 1])) || isIdLike(s) ? '{id}' : s));
  let template = out.join('/');
  // Belt and braces: an unforeseen path shape must not grow the label set without bound.
  if (!templates.has(template)) {
    if (templates.size >= MAX_TEMPLATES) template = 'other';
    else templates.add(template);
  }
  if (cache.size < 4096) cache.set(bare, template);
  return template;
}

/** Segments after which WeChat Pay's paths carry an identifier (spec: transactions, refunds, applyments, profit sharing, bills). */
const PARAM_AFTER = new Set([
  'out-trade-no',
  'id',
  'refunds',
  'business_code',
  'applyment_id',
  'sub_merchants',
  'orders',
  'return-orders',
  'merchant-configs',
  'billdownload',
]);
// A few fixed words follow those segments (`/v3/pay/partner/transactions/jsapi`, `/v3/profitsharing/orders/unfreeze`).
const FIXED = new Set(['v3', 'jsapi', 'app', 'native', 'h5', 'partner', 'unfreeze', 'receivers', 'amounts', 'file', 'close', 'apply4sub']);
const MAX_TEMPLATES = 64;
const templates = new Set<string>();
const cache = new Map<string, string>();

function isIdLike(s: string): boolean {
  if (!s) return false;
  // Route words are lower-case letters with - or _ (and `applyment4sub`); ids have capitals, digits runs or are long.
  return !/^[a-z][a-z_-]*(4[a-z]+)?$/.test(s) || s.length > 32;
}
