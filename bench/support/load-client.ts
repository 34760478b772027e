/**
 * The load generator, run as a child process (fork) so that its CPU time never counts as the
 * platform's. The parent sends `load` (the requests, prepared in advance) and then `go`; this
 * process fires them over keep-alive connections, either with a fixed number of requests in
 * flight (closed loop) or at a fixed rate (open loop), and answers per-request latencies and
 * status counts.
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import type { LoadRequest, LoadResult, ToClient, FromClient } from './load-protocol';

let requests: LoadRequest[] = [];

function send(m: FromClient): void {
  process.send!(m);
}

function p99(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.99 * s.length) - 1)] ?? 0;
}

async function run(origin: string | string[], concurrency: number, ratePerSecond?: number): Promise<LoadResult> {
  // Several origins (partnerpay nodes): request i goes to origin i mod n, each over its own keep-alive pool.
  const pools = (Array.isArray(origin) ? origin : [origin]).map(
    (o) => new Pool(o, { connections: concurrency, pipelining: 1, keepAliveTimeout: 30_000 }),
  );
  const latencies = new Array<number>(requests.length);
  const statuses: Record<string, number> = {};
  const samples: string[] = [];
  const one = async (i: number, t0: number) => {
    const r = requests[i];
    let status = 'error';
    try {
      const res = await pools[i % pools.length].request({ method: r.method, path: r.path, headers: r.headers, body: r.body });
      const text = await res.body.text();
      status = String(res.statusCode);
      if (res.statusCode >= 400 && samples.length < 5) samples.push(`${r.method} ${r.path} -> ${res.statusCode} ${text.slice(0, 300)}`);
    } catch (e) {
      if (samples.length < 5) samples.push(`${r.method} ${r.path} -> ${e instanceof Error ? e.message : String(e)}`);
    }
    latencies[i] = performance.now() - t0;
    statuses[status] = (statuses[status] ?? 0) + 1;
  };
  const started = performance.now();
  if (ratePerSecond === undefined) {
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < requests.length; i = next++) await one(i, performance.now());
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, requests.length) }, worker));
    const wallMs = performance.now() - started;
    await Promise.all(pools.map((p) => p.close()));
    return { wallMs, latencies, statuses, samples };
  }
  // Open loop: request i is due at started + i * interval; latency counts from that due time, so a
  // slow answer cannot hold back the next sends (no coordinated omission). The client's own lag
  // behind the schedule is reported (sendLagP99Ms) so that a starved client shows.
  const interval = 1000 / ratePerSecond;
  const inFlight: Array<Promise<void>> = [];
  const lags: number[] = [];
  let live = 0;
  let maxInFlight = 0;
  for (let i = 0; i < requests.length; i++) {
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait - 0.5));
    while (performance.now() < due) {
      // spin the last fraction of a millisecond: timers are coarser than the interval
    }
    lags.push(performance.now() - due);
    live++;
    maxInFlight = Math.max(maxInFlight, live);
    inFlight.push(one(i, due).finally(() => live--));
  }
  await Promise.all(inFlight);
  const wallMs = performance.now() - started;
  await Promise.all(pools.map((p) => p.close()));
  return { wallMs, latencies, statuses, samples, maxInFlight, sendLagP99Ms: p99(lags) };
}

process.on('message', (m: ToClient) => {
  if (m.type === 'load') {
    requests = m.requests;
    send({ type: 'loaded' });
  } else if (m.type === 'go') {
    run(m.origin, m.concurrency, m.ratePerSecond).then(
      (result) => send({ type: 'done', result }),
      (err: unknown) => send({ type: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
    );
  } else if (m.type === 'exit') {
    process.exit(0);
  }
});
send({ type: 'ready' });
