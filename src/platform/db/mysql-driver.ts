import { MySqlDriver } from '@mikro-orm/mysql';
import { MySqlSchemaHelper } from '@mikro-orm/knex';
import type { Configuration } from '@mikro-orm/core';

/**
 * MySQL's schema helper, taught one MariaDB habit: information_schema reports a nullable column
 * without a default as the bare word NULL (MySQL reports SQL NULL). Unpatched, every nullable
 * VARCHAR looks changed and the migrations-match-entities check can never pass on MariaDB. A real
 * string default 'NULL' is quoted by MariaDB, so the bare word is unambiguous.
 */
class MariaDbAwareSchemaHelper extends MySqlSchemaHelper {
  override normalizeDefaultValue(defaultValue: string, length: number): string | number {
    return defaultValue === 'NULL' ? (null as unknown as string) : super.normalizeDefaultValue(defaultValue, length);
  }
}

/** The mysql2 driver of @mikro-orm/mysql, for MySQL 8 and MariaDB 10.11 alike. */
export class PartnerpayMySqlDriver extends MySqlDriver {
  constructor(config: Configuration) {
    super(config);
    (this.platform as unknown as { schemaHelper: MySqlSchemaHelper }).schemaHelper = new MariaDbAwareSchemaHelper(this.platform);
  }
}
