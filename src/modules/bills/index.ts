/** Bills' public face. */
export { billsModule } from './bills.module';
export { ReconciliationService } from './reconciliation.service';
export { writeTenantBill } from './tenant-bill-csv';
