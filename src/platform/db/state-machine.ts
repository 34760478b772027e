import type { Em } from './orm';
import type { Table } from './table';
import { isSqlite } from './sql';

/** What a transition did: moved the row, found it already in the target state, or refused the move. */
export type TransitionOutcome<T> = { result: 'applied' | 'duplicate'; row: T } | { result: 'conflict'; row: T; reason: string };

/** One move of a transition call: where the row goes, what else changes with it, and what to record once. */
export interface Move<T, S extends string> {
  /** The row's primary key value. */
  id: string;
  to: S;
  /** Other columns written by the same guarded UPDATE. */
  set?: Partial<T>;
  /** Extra guard conditions (e.g. an amount cap); a failed extra guard is a conflict. */
  guard?: Partial<T>;
  /** Runs once, in the same transaction, only when the row actually moved (e.g. recordEvent). */
  onApplied?: (em: Em, row: T) => Promise<void>;
  /** The row as the caller already read it in this transaction; saves the read-back when applied. */
  known?: T;
}

/**
 * A state machine built from its transition table: the table is the only truth about which moves
 * are legal. `transition` writes one guarded UPDATE (`where state in <every state that may move to
 * the target>`), so a concurrent or repeated copy of the same news changes the row once, and runs
 * `onApplied` (the outbox event) in the same transaction. Callers run it inside a transaction.
 */
export class StateMachine<T extends object, S extends string> {
  private readonly sourcesOf = new Map<S, S[]>();

  constructor(
    readonly table: Table<T>,
    private readonly stateProp: keyof T & string,
    private readonly idProp: keyof T & string,
    readonly transitions: Readonly<Record<S, readonly NoInfer<S>[]>>,
  ) {
    for (const to of Object.keys(transitions) as S[]) this.sourcesOf.set(to, []);
    for (const [from, tos] of Object.entries(transitions) as [S, readonly S[]][])
      for (const to of tos) (this.sourcesOf.get(to) ?? this.sourcesOf.set(to, []).get(to)!).push(from);
  }

  /** Whether `from -> to` is in the table. */
  can(from: S, to: S): boolean {
    return this.transitions[from]?.includes(to) ?? false;
  }

  /** Every state from which `to` may be reached. */
  sources(to: S): readonly S[] {
    return this.sourcesOf.get(to) ?? [];
  }

  /** Applies one move (see the class comment). */
  async transition(em: Em, move: Move<T, S>): Promise<TransitionOutcome<T>> {
    const from = this.sources(move.to);
    const set = { ...move.set, [this.stateProp]: move.to } as Partial<T>;
    const guard = { ...move.guard, [this.idProp]: move.id, [this.stateProp]: from } as Partial<T>;
    const changed = from.length ? await this.table.update(em, set, guard) : 0;
    if (changed === 1) {
      const row = move.known ? ({ ...move.known, ...set } as T) : (await this.read(em, move.id))!;
      await move.onApplied?.(em, row);
      return { result: 'applied', row };
    }
    // The guard did not hold: read the row as that UPDATE saw it, the latest committed version. A
    // plain read in MariaDB's REPEATABLE READ answers the transaction's snapshot, which may predate
    // the commit that moved the row (a concurrent duplicate would then look like a conflict).
    const row = await this.read(em, move.id, true);
    if (!row) throw new Error(`${this.table.name} ${move.id} does not exist`);
    const state = row[this.stateProp] as unknown as S;
    if (state === move.to) return { result: 'duplicate', row };
    return { result: 'conflict', row, reason: `${this.table.name} is ${state}; ${state} -> ${move.to} is not allowed` };
  }

  private read(em: Em, id: string, current = false): Promise<T | undefined> {
    const tail = current && em.isInTransaction() && !isSqlite(em) ? 'for update' : '';
    return this.table.findBy(em, { [this.idProp]: id } as Partial<T>, tail).then((r) => r[0]);
  }
}
