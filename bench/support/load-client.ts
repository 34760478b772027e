/**
 * The load generator, run as a child process (fork) so that its CPU time never counts as the
 * platform's. The parent sends `load` (the requests, prepared in advance) and then `go`; this
 * process fires them over keep-alive connections with a fixed number of requests in flight and
 * answers per-request latencies and status counts.
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import type { LoadRequest, LoadResult, ToClient, FromClient } from './load-protocol';

let requests: LoadRequest[] = [];

function send(m: FromClient): void {
  process.send!(m);
}

async function run(origin: string, concurrency: number): Promise<LoadResult> {
  const pool = new Pool(origin, { connections: concurrency, pipelining: 1, keepAliveTimeout: 30_000 });
  const latencies = new Array<number>(requests.length);
  const statuses: Record<string, number> = {};
  const samples: string[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= requests.length) return;
      const r = requests[i];
      const t0 = performance.now();
      let status = 'error';
      try {
        const res = await pool.request({ method: r.method, path: r.path, headers: r.headers, body: r.body });
        const text = await res.body.text();
        status = String(res.statusCode);
        if (res.statusCode >= 400 && samples.length < 5) samples.push(`${r.method} ${r.path} -> ${res.statusCode} ${text.slice(0, 300)}`);
      } catch (e) {
        if (samples.length < 5) samples.push(`${r.method} ${r.path} -> ${e instanceof Error ? e.message : String(e)}`);
      }
      latencies[i] = performance.now() - t0;
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, requests.length) }, worker));
  const wallMs = performance.now() - started;
  await pool.close();
  return { wallMs, latencies, statuses, samples };
}

process.on('message', (m: ToClient) => {
  if (m.type === 'load') {
    requests = m.requests;
    send({ type: 'loaded' });
  } else if (m.type === 'go') {
    run(m.origin, m.concurrency).then(
      (result) => send({ type: 'done', result }),
      (err: unknown) => send({ type: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
    );
  } else if (m.type === 'exit') {
    process.exit(0);
  }
});
send({ type: 'ready' });
