/** Verbs that end a path as an action (`POST /v1/orders/{id}/close` is `closeOrder`). */
const ACTIONS = new Set([
  'close',
  'submit',
  'rotate',
  'redeliver',
  'pay',
  'refund',
  'approve',
  'reject',
  'resume',
  'suspend',
  'retry',
  'cancel',
  'sync',
  'finish',
  'test',
]);

const pascal = (s: string) =>
  s
    .split(/[-_.]/)
    .filter(Boolean)
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');

const singular = (s: string) => (s.endsWith('ies') ? `${s.slice(0, -3)}y` : s.endsWith('s') && !s.endsWith('ss') ? s.slice(0, -1) : s);

/**
 * A verb-noun operationId from method and path: GET /v1/orders/:out_trade_no → getOrder, GET /admin/v1/tenants →
 * listTenants, POST /admin/v1/tenants/:id/secret-keys → createTenantSecretKey, POST .../close → closeOrder.
 * Operator routes whose tenant twin exists set their own (the document refuses duplicates).
 */
export function operationIdOf(method: string, path: string): string {
  const parts = path.split('/').filter((p) => p && !/^v\d+$/.test(p) && p !== 'admin' && p !== 'mp');
  const last = parts[parts.length - 1] ?? 'root';
  const endsWithParam = last.startsWith(':');
  let statics = parts.filter((p) => !p.startsWith(':'));
  let verb: string;
  if (method === 'post' && ACTIONS.has(statics[statics.length - 1] ?? '') && !endsWithParam) {
    verb = statics[statics.length - 1]!;
    statics = statics.slice(0, -1);
  } else if (method === 'get') verb = endsWithParam || !/s$/.test(last) ? 'get' : 'list';
  else verb = { post: 'create', put: 'put', patch: 'update', delete: 'delete' }[method] ?? method;
  const nouns = statics.map((p, i) => (verb === 'list' && i === statics.length - 1 ? p : singular(p)));
  return verb + nouns.map(pascal).join('');
}
