/**
 * The committed MySQL/MariaDB migrations, in order. SQLite (demo, tests without DATABASE_URL)
 * syncs its schema from the entities instead; a test checks that these migrations and the
 * entities agree, so a change to an entity without a migration fails CI.
 */
import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261205171545_Complaints } from './Migration20261205171545_Complaints';
import { Migration20261205173230_Portal } from './Migration20261205173230_Portal';
import { Migration20261205145244_OpenPlatform } from './Migration20261205145244_OpenPlatform';
import { Migration20261201144310_BillsScale } from './Migration20261201144310_BillsScale';
import { Migration20261201112555 } from './Migration20261201112555_TenantOrdersPerMinute';
import { Migration20261201112531_CheckoutSecrets } from './Migration20261201112531_CheckoutSecrets';
import { Migration20261201112749_NotificationVerifiedBy } from './Migration20261201112749_NotificationVerifiedBy';
import { Migration20261201115134_ProfitSharing } from './Migration20261201115134_ProfitSharing';
import { Migration20261201120811_Onboarding } from './Migration20261201120811_Onboarding';
import { Migration20261201115312_Bills } from './Migration20261201115312_Bills';
import { Migration20261127002509_InitialSchema } from './Migration20261127002509_InitialSchema';
import { Migration20261205120000_FundsLedger } from './Migration20261205120000_FundsLedger';
import { Migration20261205171500_PaymentModes } from './Migration20261205171500_PaymentModes';
import { Migration20261205173000_MicropayFollow } from './Migration20261205173000_MicropayFollow';
import { Migration20261205200000_LookupIndexes } from './Migration20261205200000_LookupIndexes';
import { Migration20261205201000_CombinedOrders } from './Migration20261205201000_CombinedOrders';
import { Migration20261206003100_PrepayClaim } from './Migration20261206003100_PrepayClaim';

export const MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261127002509_InitialSchema', class: Migration20261127002509_InitialSchema },
  { name: 'Migration20261201112555_TenantOrdersPerMinute', class: Migration20261201112555 },
  { name: 'Migration20261201112531_CheckoutSecrets', class: Migration20261201112531_CheckoutSecrets },
  { name: 'Migration20261201112749_NotificationVerifiedBy', class: Migration20261201112749_NotificationVerifiedBy },
  { name: 'Migration20261201115134_ProfitSharing', class: Migration20261201115134_ProfitSharing },
  { name: 'Migration20261201120811_Onboarding', class: Migration20261201120811_Onboarding },
  { name: 'Migration20261201115312_Bills', class: Migration20261201115312_Bills },
  { name: 'Migration20261201144310_BillsScale', class: Migration20261201144310_BillsScale },
  { name: 'Migration20261205120000_FundsLedger', class: Migration20261205120000_FundsLedger },
  { name: 'Migration20261205145244_OpenPlatform', class: Migration20261205145244_OpenPlatform },
  { name: 'Migration20261205171545_Complaints', class: Migration20261205171545_Complaints },
  { name: 'Migration20261205173230_Portal', class: Migration20261205173230_Portal },
  { name: 'Migration20261205171500_PaymentModes', class: Migration20261205171500_PaymentModes },
  { name: 'Migration20261205173000_MicropayFollow', class: Migration20261205173000_MicropayFollow },
  { name: 'Migration20261205200000_LookupIndexes', class: Migration20261205200000_LookupIndexes },
  { name: 'Migration20261205201000_CombinedOrders', class: Migration20261205201000_CombinedOrders },
  { name: 'Migration20261206003100_PrepayClaim', class: Migration20261206003100_PrepayClaim },
];
