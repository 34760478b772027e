/**
 * npm run bench:bills — reconciles a generated 1,000,000-row trade bill (BENCH_BILL_ROWS) against
 * as many local orders on the database of DATABASE_URL (a scratch database, dropped afterwards; else
 * a SQLite file), end to end through ReconciliationService.execute: bill application, download
 * (a read stream of the generated gzip file; BENCH_BILL_HTTP=1: undici's body stream from a bare HTTP server),
 * gunzip + SHA-1 + csv-parse streaming, staging in multi-row INSERTs (BENCH_BATCH_ROWS overrides
 * bills.batchRows), set-based matching, results and per-tenant events. Prints rows/s, peak RSS
 * during the run, CPU of partnerpay and of the database server, load average and statements issued.
 */
import 'reflect-metadata';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
import { request } from 'undici';
import { TOKENS } from '../src/platform/tokens';
import { dialectOf, type Orm } from '../src/platform/db/orm';
import type { Config } from '../src/platform/config/schema';
import type { Clock } from '../src/platform/clock';
import type { Logger } from '../src/platform/logging/logger';
import { createScratchDatabase } from '../src/app/cli/server-database';
import { RefundRepository } from '../src/modules/payments/refund.repository';
import { ReconciliationService } from '../src/modules/bills/reconciliation.service';
import { ReconciliationRepository } from '../src/modules/bills/reconciliation.repository';
import { OrderService } from '../src/modules/payments/order.service';
import { ProviderCredentials } from '../src/modules/tenancy';
import { RefundService } from '../src/modules/payments/refund.service';
import { AuditLog } from '../src/modules/operators/audit-log';
import { WxpayApiError, type WxpayClient } from '@partnerpay/wxpay';
import { beijingDay, beijingMidnight, previousBeijingDay } from '../src/platform/clock';
import { beijingDateTime, yuan } from '@partnerpay/wxpay-simulator';
import { startPartnerpay } from './support/partnerpay';
import { countStatements } from './support/sql-count';
import { childCpuMicros } from './support/cpu';
import { sqlLiteral } from '../src/modules/bills/sql-literal';

const int = (name: string, dflt: number) => Number(process.env[name] ?? dflt);
const HEADER =
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,' +
  '微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
const SUMMARY = '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额';
const ORDER_COLUMNS =
  'id, tenant_id, sp_mchid, sub_mchid, out_trade_no, appid, app_side, payer_openid, description, amount_total, currency, attach, time_expire, ' +
  'request_hash, trade_state, trade_state_desc, prepay_id, prepay_at, transaction_id, success_time, payer_total, bank_type, refunded_total, ' +
  'last_synced_at, created_at, updated_at, trade_type';

async function admin(method: 'PUT' | 'POST', url: string, token: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await request(url, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.body.text();
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** The local MariaDB/MySQL server's pid (for its CPU time), found by process name; undefined if none. */
function serverPid(): number | undefined {
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (/^(mariadbd|mysqld)$/.test(readFileSync(`/proc/${d}/comm`, 'utf8').trim())) return Number(d);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

async function main(): Promise<void> {
  const nRows = int('BENCH_BILL_ROWS', 1_000_000);
  const nTenants = int('BENCH_TENANTS', 100);
  const base = process.env.DATABASE_URL;
  const mysql = Boolean(base && dialectOf(base) === 'mysql');
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;
  let dbUrl: string;
  if (mysql) {
    scratch = await createScratchDatabase(base!, 'pp_bench');
    dbUrl = scratch.url;
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'pp-bench-bills-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    dbUrl = `sqlite:${join(dir, 'bench.sqlite')}`;
  }
  let closeFiles = async () => {};
  const pp = await startPartnerpay(dbUrl, 'http://127.0.0.1:9', 1_000_000, { profile: 'minimal', tag: 'bills' });
  try {
    const c = pp.app.container;
    // BENCH_BATCH_ROWS: staging rows per INSERT (bills.batchRows), for tuning.
    const appConfig = c.resolve<Config>(TOKENS.Config);
    const bills = { ...appConfig.bills, batchRows: int('BENCH_BATCH_ROWS', appConfig.bills.batchRows) };
    const token = pp.config.security.adminToken;
    const spMchid = `1${String(Date.now()).slice(-9)}`;
    const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const platform = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await admin('PUT', `${pp.baseUrl}/admin/v1/service-providers/${spMchid}`, token, {
      name: 'Bench ISV',
      sp_appid: 'wx8888888888888888',
      merchant_serial_no: randomBytes(20).toString('hex').toUpperCase(),
      merchant_private_key: merchant.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      apiv3_key: randomBytes(16).toString('hex'),
      wechatpay_public_key_id: 'PUB_KEY_ID_0000000000000000000000000000',
      wechatpay_public_key: platform.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    });
    const tenants: Array<{ id: string; sub: string; appid: string }> = [];
    for (let i = 0; i < nTenants; i++) {
      const sub = `2${String(100_000_000 + i)}`;
      const appid = `wx${randomBytes(8).toString('hex')}`;
      const created = await admin('POST', `${pp.baseUrl}/admin/v1/tenants`, token, {
        sp_mchid: spMchid,
        sub_mchid: sub,
        name: `Bench shop ${i + 1}`,
        apps: [{ appid, type: 'miniprogram', dev_mode: 'outsourced' }],
        webhook_url: null,
      });
      tenants.push({ id: String(created.id), sub, appid });
    }

    // Local orders and the bill, generated together row by row (nothing of the day is held): the
    // orders go in as multi-row INSERTs of literals, the bill through gzip into a temp file.
    const day = previousBeijingDay(beijingDay(Date.now()));
    const start = beijingMidnight(day);
    const orm = c.resolve<Orm>(TOKENS.Orm);
    const knex = orm.em.getConnection().getKnex();
    const sqlite = !mysql;
    const lit = (v: string | number | null) => sqlLiteral(v, sqlite);
    const dir = mkdtempSync(join(tmpdir(), 'pp-bench-bill-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const billPath = join(dir, 'tradebill.csv.gz');
    const gzip = createGzip({ level: 6 });
    const out = createWriteStream(billPath);
    gzip.pipe(out);
    const sha1 = createHash('sha1');
    const write = async (s: string) => {
      const b = Buffer.from(s, 'utf8');
      sha1.update(b);
      if (!gzip.write(b)) await once(gzip, 'drain');
    };
    await write(`\ufeff${HEADER}\r\n`);
    let total = 0;
    let fee = 0;
    const t0 = Date.now();
    const BATCH = 2000;
    for (let i = 0; i < nRows; i += BATCH) {
      const values: string[] = [];
      const n = Math.min(BATCH, nRows - i);
      let lines = '';
      for (let j = i; j < i + n; j++) {
        const tn = tenants[j % nTenants];
        const amount = 1 + (j % 9999);
        const at = start + Math.floor((j / nRows) * 86_000_000);
        const no = `B${String(j).padStart(12, '0')}`;
        const txn = `42000${String(j).padStart(23, '0')}`;
        const f = Math.round(amount * 0.006);
        total += amount;
        fee += f;
        const row = [`o${j}`, tn.id, spMchid, tn.sub, no, tn.appid, 'sub', 'oBenchPayer', 'bench', amount, 'CNY', null, at + 7_200_000];
        row.push('h', 'SUCCESS', null, null, null, txn, at, amount, 'OTHERS', 0, at, at - 10_000, at, 'JSAPI');
        values.push(`(${row.map(lit).join(',')})`);
        const cells = [beijingDateTime(at), tn.appid, spMchid, tn.sub, '', txn, no, 'oBenchPayer', 'JSAPI', 'SUCCESS', 'OTHERS', 'CNY'];
        cells.push(yuan(amount), '0.00', '0', '0', '0.00', '0.00', '', '', 'bench', '', `${yuan(f)}000`, '0.60%', yuan(amount), '0.00', '');
        lines += `${cells.map((x) => `\`${x}`).join(',')}\r\n`;
      }
      await knex.raw(`insert into payment_order (${ORDER_COLUMNS}) values ${values.join(',')}`);
      await write(lines);
    }
    const y = (fen: number) => (fen / 100).toString();
    await write(`${SUMMARY}\r\n\`${nRows}.0,\`${y(total)},\`0.0,\`0.0,\`${y(fee)},\`${y(total)},\`0.0\r\n`);
    gzip.end();
    await once(out, 'close');
    const hash = sha1.digest('hex');
    const gzBytes = statSync(billPath).size;
    console.log(
      `generated ${nRows} orders + bill in ${((Date.now() - t0) / 1000).toFixed(1)} s; gzip bill ${(gzBytes / 1e6).toFixed(1)} MB`,
    );

    // BENCH_BILL_HTTP=1: the file is served by a bare node:http server in this process and fetched with
    // undici, so the run reads undici's body stream (no signing, no TLS). Default: a file read stream
    // (a 1M-row run over HTTP once failed with "other side closed" from that in-process server).
    let fileUrl: string | undefined;
    if (process.env.BENCH_BILL_HTTP === '1') {
      const files = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': gzBytes });
        createReadStream(billPath).pipe(res);
      });
      files.requestTimeout = 0;
      files.headersTimeout = 0;
      files.timeout = 0;
      await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
      fileUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}/v3/billdownload/file`;
      closeFiles = () => new Promise<void>((r) => files.close(() => r()));
    }

    // WeChat Pay stand-in: the bill application answers the generated file; no fund-flow bills.
    const wxpay: WxpayClient = {
      async call<T>(_sp: unknown, req: { path: string }) {
        if (req.path === '/v3/bill/tradebill')
          return {
            status: 200,
            data: { hash_type: 'SHA1', hash_value: hash, download_url: 'https://bench/v3/billdownload/file?t=1' } as T,
          };
        throw new WxpayApiError(400, { code: 'NO_STATEMENT_EXIST', message: 'no bill' });
      },
      async downloadStream() {
        if (!fileUrl) return { status: 200, body: createReadStream(billPath) };
        const res = await request(fileUrl);
        return { status: res.statusCode, body: res.body };
      },
    };
    const service = new ReconciliationService(
      c.resolve(ReconciliationRepository),
      { ...appConfig, bills },
      c.resolve<Clock>(TOKENS.Clock),
      c.resolve<Logger>(TOKENS.Logger),
      wxpay,
      c.resolve(OrderService),
      c.resolve(ProviderCredentials),
      c.resolve(RefundService),
      c.resolve(AuditLog),
      c.resolve(RefundRepository),
    );
    const repo = c.resolve(ReconciliationRepository);
    // Time spent per repository method (BENCH_PHASES=1 prints it).
    const phases = new Map<string, number>();
    for (const name of Object.getOwnPropertyNames(ReconciliationRepository.prototype)) {
      const r = repo as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
      const orig = r[name];
      if (name === 'constructor' || typeof orig !== 'function') continue;
      r[name] = async (...a: unknown[]) => {
        const s = process.hrtime.bigint();
        try {
          return await orig.apply(repo, a);
        } finally {
          phases.set(name, (phases.get(name) ?? 0) + Number(process.hrtime.bigint() - s) / 1e6);
        }
      };
    }
    const { run } = await repo.request(spMchid, day, Date.now(), true);
    const claimed = (await repo.claim(run, Date.now(), 3_600_000))!;
    global.gc?.();
    const baseRss = process.memoryUsage().rss;
    let peak = baseRss;
    let atPeak = process.memoryUsage();
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      if (m.rss > peak) [peak, atPeak] = [m.rss, m];
    }, 20);
    const la0 = loadavg();
    const dbPid = mysql ? serverPid() : undefined;
    const db0 = dbPid ? childCpuMicros(dbPid) : undefined;
    const cpu0 = process.cpuUsage();
    let secs = 0;
    // Counted while it runs (the counter's ~20 µs a statement is small next to 5000-row statements).
    const sql = await countStatements(orm, 1, async () => {
      const t1 = process.hrtime.bigint();
      await service.execute(claimed);
      secs = Number(process.hrtime.bigint() - t1) / 1e9;
    });
    const cpu = process.cpuUsage(cpu0);
    const db1 = dbPid ? childCpuMicros(dbPid) : undefined;
    clearInterval(sampler);
    const done = (await repo.byId(run.id))!;
    if (done.status !== 'done') throw new Error(`run ${done.status}: ${done.error}`);
    const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;
    console.log(`database           ${mysql ? 'MariaDB/MySQL' : 'SQLite file'}, batchRows ${bills.batchRows}`);
    console.log(
      `load average       ${la0.map((x) => x.toFixed(2)).join(' ')} before, ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')} after`,
    );
    console.log(`bill rows          ${done.billRows} (${nTenants} tenants), summary ${JSON.stringify(done.summary)}`);
    console.log(`reconcile time     ${secs.toFixed(1)} s`);
    console.log(`rows/s             ${Math.round(nRows / secs)}`);
    console.log(`peak RSS (run)     ${mb(peak)} (before the run ${mb(baseRss)}; gzip bill ${mb(gzBytes)}, streamed, not held)`);
    console.log(
      `  at the peak      heap used ${mb(atPeak.heapUsed)} of ${mb(atPeak.heapTotal)}, external ${mb(atPeak.external)} ` +
        `(array buffers ${mb(atPeak.arrayBuffers)})`,
    );
    const cpuS = (cpu.user + cpu.system) / 1e6;
    console.log(`partnerpay CPU     ${cpuS.toFixed(1)} s (${Math.round(nRows / cpuS)} rows per CPU-second; all threads)`);
    if (db0 !== undefined && db1 !== undefined)
      console.log(`database server CPU ${((db1 - db0) / 1e6).toFixed(1)} s (pid ${dbPid}; includes other clients' work)`);
    console.log(`SQL statements     ${sql.statements} (${(sql.statements / nRows).toFixed(4)} per row)`);
    if (process.env.BENCH_PHASES === '1')
      for (const [k, v] of [...phases].sort((a, b) => b[1] - a[1])) console.log(`   ${(v / 1000).toFixed(2).padStart(7)} s  ${k}`);
  } finally {
    await closeFiles();
    await pp.close();
    await scratch?.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
