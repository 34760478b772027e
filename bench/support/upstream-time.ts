import { performance } from 'node:perf_hooks';
import { Dispatcher } from 'undici';

type RequestFn = (this: Dispatcher, opts: Dispatcher.RequestOptions, ...rest: unknown[]) => unknown;

/**
 * Times WeChat Pay's own part of each order, as partnerpay's transport sees it: from undici's
 * `request()` (the signed request leaves) to its answer's headers (the simulator's work plus one
 * loopback round trip; the small body follows in the same packet). Keyed by out_trade_no, read
 * from the JSAPI body. Installed only for the latency pass (it costs a Buffer scan per call),
 * removed by `stop()`.
 */
export function timeUpstream(): { byOutTradeNo: Map<string, number>; stop(): void } {
  const proto = Dispatcher.prototype as unknown as { request: RequestFn };
  const orig = proto.request;
  const byOutTradeNo = new Map<string, number>();
  proto.request = function (this: Dispatcher, opts: Dispatcher.RequestOptions, ...rest: unknown[]) {
    const body = opts.body;
    if (rest.length > 0 || !Buffer.isBuffer(body) || !String(opts.path).endsWith('/transactions/jsapi'))
      return orig.call(this, opts, ...rest);
    const m = /"out_trade_no":"([^"]+)"/.exec(body.toString('utf8'));
    const t0 = performance.now();
    const p = orig.call(this, opts) as Promise<unknown>;
    if (m)
      void p.then(
        () => byOutTradeNo.set(m[1], (byOutTradeNo.get(m[1]) ?? 0) + performance.now() - t0),
        () => undefined,
      );
    return p;
  };
  return {
    byOutTradeNo,
    stop: () => {
      proto.request = orig;
    },
  };
}
