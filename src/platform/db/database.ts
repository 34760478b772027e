import type { Em, Orm } from './orm';
import { isSqlite } from './sql';
import { GroupCommit } from './group-commit';
import { deferAppends, flushAppends } from './table';

/**
 * The application's handle on its database, for repositories: a transaction runner and a reader.
 * Services receive repositories (which receive this), never the Orm itself; the Orm stays with the
 * composition root, migrations and the schema.
 */
export class Database {
  private readonly group: GroupCommit;
  private reader?: Em;

  constructor(readonly orm: Orm) {
    // A group's appends (log rows, outbox events) go out as one multi-row INSERT per table, just
    // before its commit: a statement costs more than its rows on the hot path.
    this.group = new GroupCommit((fn) =>
      this.tx(async (em) => {
        deferAppends(em);
        const out = await fn(em);
        await flushAppends(em);
        return out;
      }),
    );
  }

  /** Runs `fn` in one transaction on a fresh fork (commits on return, rolls back on throw). */
  tx<T>(fn: (em: Em) => Promise<T>): Promise<T> {
    return this.orm.em.fork().transactional((em) => fn(em as Em));
  }

  /**
   * Like `tx`, but shares one transaction (one commit) with the other units of work queued in the
   * same event-loop tick (see GroupCommit); answers after that transaction commits. For short,
   * re-runnable units on hot paths (notifications).
   */
  txGrouped<T>(fn: (em: Em) => Promise<T>): Promise<T> {
    return this.group.run(fn);
  }

  /** An entity manager for reads (and single autocommit statements) outside any transaction. */
  read(): Em {
    // One fork serves every autocommit statement, for the life of the process. Why that is safe:
    // repositories only run SQL through it (Table and em.execute), never find/persist, so its identity
    // map and unit of work stay empty and nothing accumulates (test/integration/db/reader.test.ts
    // checks it); execute() borrows a pool connection per statement, so the fork holds none; and
    // transactional() on it runs in a fork of its own, so no transaction state stays behind.
    // A fork per call would cost more than the statement's own bookkeeping.
    return (this.reader ??= this.orm.em.fork() as Em);
  }

  /** ' for update' on MariaDB; '' on SQLite, whose single writer needs no row lock. */
  forUpdate(em: Em): string {
    return isSqlite(em) ? '' : ' for update';
  }
}
