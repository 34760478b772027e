import { EntitySchema, UnderscoreNamingStrategy, defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { Em } from './orm';
import { rows, run } from './sql';

export { defineEntity, p };
/** The row type of a table definition: `type OrderRow = RowOf<typeof OrderEntity>`. */
export type RowOf<S> = InferEntity<S>;

/** How a column's raw driver value becomes the row's value. */
type Coerce = 'number' | 'boolean' | 'json' | 'none';

interface Column {
  prop: string;
  column: string;
  coerce: Coerce;
}

const naming = new UnderscoreNamingStrategy();
const NUMERIC = /^(bigint|integer|int|smallint|tinyint|double|float|decimal|number)$/i;

function coercionOf(type: unknown, runtimeType: unknown): Coerce {
  const t = String((type as { name?: string })?.name ?? type ?? '').replace(/Type$/, '');
  const r = String(runtimeType ?? '');
  if (r === 'boolean' || /^bool(ean)?$/i.test(t)) return 'boolean';
  if (/^json$/i.test(t)) return 'json';
  if (r === 'number' || NUMERIC.test(t)) return 'number';
  return 'none';
}

// Rows appended through a transaction's em while it defers them (see deferAppends), per table.
const deferred = new WeakMap<Em, Map<Table<object>, object[]>>();

/**
 * From now on, `Table.append` through `em` (a transaction's) only queues its row; `flushAppends`
 * writes the queue as one multi-row INSERT per table. Group commit uses it: N notifications of one
 * transaction then cost one INSERT into the log and one into the outbox instead of N each.
 */
export function deferAppends(em: Em): void {
  deferred.set(em, new Map());
}

/** Writes what `append` queued on `em` (one INSERT per table) and stops deferring. Call it before the commit. */
export async function flushAppends(em: Em): Promise<void> {
  const queued = deferred.get(em);
  deferred.delete(em);
  if (queued) for (const [table, rows] of queued) await table.insertMany(em, rows);
}

/**
 * One table's SQL, derived from its MikroORM definition (the single source of truth for columns):
 * the column list, the INSERT, snake_case column -> camelCase property mapping, numeric/boolean/JSON
 * coercion of raw driver values, and guarded UPDATEs. Repositories are built on it; nothing else
 * writes SQL for the table.
 *
 * Why raw SQL at all: MikroORM's unit of work costs ~10x a plain statement on the hot paths, so the
 * ORM keeps the schema, migrations and pool, and the repositories run statements through `em.execute`
 * (inside the caller's transaction when there is one).
 */
export class Table<T extends object> {
  readonly name: string;
  private cols?: Column[];
  private insertSql?: string;

  constructor(readonly schema: EntitySchema<T>) {
    this.name = schema.meta.tableName ?? schema.meta.collection ?? naming.classToTableName(schema.meta.className);
  }

  /** Columns in definition order (derived once, lazily, from the definition). */
  get columns(): readonly Column[] {
    if (!this.cols) {
      this.cols = Object.entries(this.schema.meta.properties as unknown as Record<string, Record<string, unknown>>)
        .filter(([, prop]) => prop.persist !== false)
        .map(([name, prop]) => {
          const fieldNames = prop.fieldNames as string[] | undefined;
          const column = (prop.fieldName as string | undefined) ?? fieldNames?.[0] ?? naming.propertyToColumnName(name);
          return { prop: name, column, coerce: coercionOf(prop.type, prop.runtimeType) };
        });
    }
    return this.cols;
  }

  /** The column of a property (throws on a typo, so SQL built from names is checked). */
  col(prop: keyof T & string): string {
    const c = this.columns.find((x) => x.prop === prop);
    if (!c) throw new Error(`${this.name} has no property ${prop}`);
    return c.column;
  }

  /** Maps a raw driver row (snake_case columns, strings for BIGINT on MySQL) to the typed row. */
  fromRow(raw: Record<string, unknown>): T {
    const out: Record<string, unknown> = {};
    for (const c of this.columns) {
      const v = raw[c.column];
      if (v === null || v === undefined) out[c.prop] = v ?? null;
      else if (c.coerce === 'number') out[c.prop] = typeof v === 'number' ? v : Number(v);
      else if (c.coerce === 'boolean') out[c.prop] = v === true || v === 1 || v === '1';
      else if (c.coerce === 'json') out[c.prop] = typeof v === 'string' ? JSON.parse(v) : v;
      else out[c.prop] = v;
    }
    return out as T;
  }

  private toParam(c: Column, v: unknown): unknown {
    if (v === undefined) return null;
    if (c.coerce === 'json' && v !== null) return JSON.stringify(v);
    if (c.coerce === 'boolean' && v !== null) return v ? 1 : 0;
    return v;
  }

  /** INSERTs one row (a unique key violation propagates: see isUniqueViolation). */
  async insert(em: Em, row: T): Promise<void> {
    const cols = this.columns.map((c) => c.column).join(', ');
    this.insertSql ??= `insert into ${this.name} (${cols}) values (${this.columns.map(() => '?').join(', ')})`;
    await run(
      em,
      this.insertSql,
      this.columns.map((c) => this.toParam(c, (row as Record<string, unknown>)[c.prop])),
    );
  }

  /** INSERTs `rows` in one statement (nothing for none). */
  async insertMany(em: Em, rows: readonly T[]): Promise<void> {
    if (rows.length <= 1) return rows.length ? this.insert(em, rows[0]) : undefined;
    const one = `(${this.columns.map(() => '?').join(', ')})`;
    const sql = `insert into ${this.name} (${this.columns.map((c) => c.column).join(', ')}) values ${rows.map(() => one).join(', ')}`;
    const params: unknown[] = [];
    for (const row of rows) for (const c of this.columns) params.push(this.toParam(c, (row as Record<string, unknown>)[c.prop]));
    await run(em, sql, params);
  }

  /**
   * An INSERT that nothing reads back in the same transaction (log rows, outbox events): queued when
   * `em` defers appends (group commit), else written now.
   */
  async append(em: Em, row: T): Promise<void> {
    const queued = deferred.get(em);
    if (!queued) return this.insert(em, row);
    const rows = queued.get(this as unknown as Table<object>);
    if (rows) rows.push(row);
    else queued.set(this as unknown as Table<object>, [row]);
  }

  /** Rows matching `where` (an SQL fragment over column names, with `?` params); `tail` adds order/limit/lock. */
  async select(em: Em, where: string, params: unknown[] = [], tail = ''): Promise<T[]> {
    const sql = `select * from ${this.name}${where ? ` where ${where}` : ''}${tail ? ` ${tail}` : ''}`;
    return (await rows<Record<string, unknown>>(em, sql, params)).map((r) => this.fromRow(r));
  }

  /** The first row matching `where`, or undefined. */
  async selectOne(em: Em, where: string, params: unknown[] = [], tail = ''): Promise<T | undefined> {
    return (await this.select(em, where, params, tail))[0];
  }

  /** Rows whose properties equal `match` (an AND of equalities; an array value means "one of"). */
  async findBy(em: Em, match: { [K in keyof T]?: T[K] | readonly T[K][] }, tail = ''): Promise<T[]> {
    const [where, params] = this.equalities(match as Partial<T>);
    return this.select(em, where, params, tail);
  }

  /**
   * A guarded UPDATE: sets `set` where every property of `guard` equals its value (an array value
   * means "one of"). Answers the number of rows changed, so 0 means the guard no longer held.
   */
  async update(em: Em, set: Partial<T>, guard: { [K in keyof T]?: T[K] | readonly T[K][] }): Promise<number> {
    const setCols = Object.entries(set).map(([prop, v]) => {
      const c = this.columns.find((x) => x.prop === prop);
      if (!c) throw new Error(`${this.name} has no property ${prop}`);
      return [c, v] as const;
    });
    const [where, params] = this.equalities(guard as Partial<T>);
    const sql = `update ${this.name} set ${setCols.map(([c]) => `${c.column} = ?`).join(', ')} where ${where}`;
    return run(em, sql, [...setCols.map(([c, v]) => this.toParam(c, v)), ...params]);
  }

  /** DELETEs the rows whose properties equal `match` (an array value means "one of"); answers how many went. */
  async deleteBy(em: Em, match: { [K in keyof T]?: T[K] | readonly T[K][] }): Promise<number> {
    const [where, params] = this.equalities(match as Partial<T>);
    return run(em, `delete from ${this.name} where ${where}`, params);
  }

  /** How many rows have properties equal to `match` (an array value means "one of"). */
  async countBy(em: Em, match: { [K in keyof T]?: T[K] | readonly T[K][] }): Promise<number> {
    const [where, params] = this.equalities(match as Partial<T>);
    const [r] = await rows<{ n: number | string }>(em, `select count(*) as n from ${this.name} where ${where}`, params);
    return Number(r?.n ?? 0);
  }

  private equalities(match: Partial<T>): [string, unknown[]] {
    const parts: string[] = [];
    const params: unknown[] = [];
    for (const [prop, v] of Object.entries(match)) {
      if (v === undefined) continue;
      const c = this.columns.find((x) => x.prop === prop);
      if (!c) throw new Error(`${this.name} has no property ${prop}`);
      if (Array.isArray(v)) {
        if (v.length === 0) parts.push('1 = 0');
        else parts.push(`${c.column} in (${v.map(() => '?').join(', ')})`);
        params.push(...v.map((x) => this.toParam(c, x)));
      } else if (v === null) parts.push(`${c.column} is null`);
      else {
        parts.push(`${c.column} = ?`);
        params.push(this.toParam(c, v));
      }
    }
    return [parts.join(' and ') || '1 = 1', params];
  }
}

/**
 * The Table of a definition. The ORM learns of the definition only through the owning module's
 * entity list (its index.ts exports it; src/app/schema.ts gathers them), never as a side effect.
 */
export function table<T extends object>(schema: EntitySchema<T>): Table<T> {
  return new Table(schema);
}
