/**
 * The raw baseline's database access: the driver partnerpay itself sits on (mysql2 for MariaDB,
 * sqlite3 for SQLite), with no ORM, no entity manager, no transaction wrapper. Both come with
 * @mikro-orm/mysql and @mikro-orm/sqlite.
 */
import { createPool, type Pool, type ResultSetHeader } from 'mysql2/promise';
import { Database } from 'sqlite3';

export interface RawDb {
  /** Runs one statement (autocommit) and answers the number of rows it changed. */
  run(sql: string, params: unknown[]): Promise<number>;
  /** Runs a query and answers its rows. */
  all<T>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/** A mysql2 pool of `connections` to the database of `url` (mysql://...). */
export function mysqlRaw(url: string, connections: number): RawDb {
  const pool: Pool = createPool({ uri: url.replace(/^mariadb:/, 'mysql:'), connectionLimit: connections, charset: 'utf8mb4', timezone: '+00:00' });
  return {
    async run(sql, params) {
      const [res] = await pool.execute<ResultSetHeader>(sql, params as never[]);
      return res.affectedRows;
    },
    async all<T>(sql: string, params: unknown[] = []) {
      const [rows] = await pool.query(sql, params);
      return rows as T[];
    },
    close: () => pool.end(),
  };
}

/** One sqlite3 connection to the database file at `path` (SQLite has one writer at a time anyway). */
export async function sqliteRaw(path: string): Promise<RawDb> {
  const db = await new Promise<Database>((ok, fail) => {
    const d: Database = new Database(path, (err) => (err ? fail(err) : ok(d)));
  });
  // The app's connection may hold the write lock for a moment: wait for it rather than fail.
  db.configure('busyTimeout', 5000);
  return {
    run: (sql, params) =>
      new Promise((ok, fail) =>
        db.run(sql, params, function (this: { changes: number }, err: Error | null) {
          if (err) fail(err);
          else ok(this.changes);
        }),
      ),
    all: <T>(sql: string, params: unknown[] = []) => new Promise<T[]>((ok, fail) => db.all(sql, params, (err: Error | null, rows: T[]) => (err ? fail(err) : ok(rows)))),
    close: () => new Promise<void>((ok, fail) => db.close((err) => (err ? fail(err) : ok()))),
  };
}
