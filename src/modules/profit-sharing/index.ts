/** Profit sharing's public face. */
export { profitSharingModule } from './profit-sharing.module';
export { ProfitSharingRepository, type TenantSplitTotals } from './profit-sharing.repository';
