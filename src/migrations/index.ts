/**
 * The committed MySQL/MariaDB migrations, in order. SQLite (demo, tests without DATABASE_URL)
 * syncs its schema from the entities instead; a test checks that these migrations and the
 * entities agree, so a change to an entity without a migration fails CI.
 */
import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261201112749_NotificationVerifiedBy } from './Migration20261201112749_NotificationVerifiedBy';
import { Migration20261201115134_ProfitSharing } from './Migration20261201115134_ProfitSharing';
import { Migration20261127002509_InitialSchema } from './Migration20261127002509_InitialSchema';

export const MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261127002509_InitialSchema', class: Migration20261127002509_InitialSchema },
  { name: 'Migration20261201112749_NotificationVerifiedBy', class: Migration20261201112749_NotificationVerifiedBy },
  { name: 'Migration20261201115134_ProfitSharing', class: Migration20261201115134_ProfitSharing },
];
