/**
 * The raw baseline's database access: the driver partnerpay itself sits on (mysql2 for MariaDB,
 * libsql for SQLite), with no ORM, no entity manager, no transaction wrapper. Both come with
 * @mikro-orm/mysql and @mikro-orm/libsql.
 */
import { createPool, type Pool, type ResultSetHeader } from 'mysql2/promise';
import Database from 'libsql';

export interface RawDb {
  /** Runs one statement (autocommit) and answers the number of rows it changed. */
  run(sql: string, params: unknown[]): Promise<number>;
  /** Runs a query and answers its rows. */
  all<T>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/** A mysql2 pool of `connections` to the database of `url` (mysql://...). */
export function mysqlRaw(url: string, connections: number): RawDb {
  const pool: Pool = createPool({
    uri: url.replace(/^mariadb:/, 'mysql:'),
    connectionLimit: connections,
    charset: 'utf8mb4',
    timezone: '+00:00',
  });
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

/** One libsql connection to the database file at `path` (SQLite has one writer at a time anyway). */
export async function sqliteRaw(path: string): Promise<RawDb> {
  // The app's connection may hold the write lock for a moment: wait for it rather than fail.
  const db = new Database(path, { timeout: 5000 } as never);
  return {
    run: async (sql, params) => Number(db.prepare(sql).run(...(params as never[])).changes),
    all: async <T>(sql: string, params: unknown[] = []) => db.prepare(sql).all(...(params as never[])) as T[],
    close: async () => {
      db.close();
    },
  };
}
