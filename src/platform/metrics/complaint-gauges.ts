import { Gauge, type Registry } from 'prom-client';

/** Open and overdue complaints of one tenant (`unknown` tenant: a sub-merchant partnerpay does not know). */
export interface ComplaintGaugeRow {
  spMchid: string;
  tenantId: string;
  open: number;
  overdue: number;
}

/** The complaint gauges, read on scrape from `source` (bound by the complaints module). */
export function complaintGauges(registers: Registry[], source: () => Promise<ComplaintGaugeRow[]>): void {
  new Gauge({
    name: 'partnerpay_complaints_open',
    help: 'Consumer complaints not yet processed (PENDING or PROCESSING), per tenant',
    labelNames: ['sp_mchid', 'tenant_id'],
    registers,
    async collect() {
      this.reset();
      for (const r of await source()) this.set({ sp_mchid: r.spMchid, tenant_id: r.tenantId }, r.open);
    },
  });
  new Gauge({
    name: 'partnerpay_complaints_overdue',
    help: 'Open consumer complaints without an answer past respond_by, per tenant',
    labelNames: ['sp_mchid', 'tenant_id'],
    registers,
    async collect() {
      this.reset();
      for (const r of await source()) this.set({ sp_mchid: r.spMchid, tenant_id: r.tenantId }, r.overdue);
    },
  });
}
