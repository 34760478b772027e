import { StateMachine } from '../../platform/db/state-machine';
import { RECONCILIATION, type RunStatus } from './bills.entity';

/** The run's state machine: the only truth about which status moves are legal. */
export const RUN_TRANSITIONS: Record<RunStatus, readonly RunStatus[]> = {
  pending: ['running'],
  // running -> pending: the bill is not ready yet (retried at next_attempt_at). Taking over an
  // expired lease is no move: it is a guarded UPDATE of the lease column (see claim).
  running: ['done', 'failed', 'pending'],
  done: [],
  failed: [],
};
export const RUNS = new StateMachine(RECONCILIATION, 'status', 'id', RUN_TRANSITIONS);
