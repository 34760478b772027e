import type { Em, Orm } from './orm';
import { isSqlite } from './sql';

/**
 * The application's handle on its database, for repositories: a transaction runner and a reader.
 * Services receive repositories (which receive this), never the Orm itself; the Orm stays with the
 * composition root, migrations and the schema.
 */
export class Database {
  constructor(readonly orm: Orm) {}

  /** Runs `fn` in one transaction on a fresh fork (commits on return, rolls back on throw). */
  tx<T>(fn: (em: Em) => Promise<T>): Promise<T> {
    return this.orm.em.fork().transactional((em) => fn(em as Em));
  }

  /** An entity manager for reads (and single autocommit statements) outside any transaction. */
  read(): Em {
    return this.orm.em.fork() as Em;
  }

  /** ' for update' on MariaDB; '' on SQLite, whose single writer needs no row lock. */
  forUpdate(em: Em): string {
    return isSqlite(em) ? '' : ' for update';
  }
}
