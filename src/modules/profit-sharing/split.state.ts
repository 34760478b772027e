import { StateMachine } from '../../platform/db/state-machine';
import { SPLIT, type SplitState } from './profit-sharing.entity';

/** The split/unfreeze state machine: the only truth about which moves are legal (addendum §2.10). */
export const SPLIT_TRANSITIONS: Record<SplitState, readonly SplitState[]> = {
  RESERVED: ['PROCESSING', 'FINISHED'],
  PROCESSING: ['FINISHED'],
  FINISHED: [],
};

/** The split state machine over ps_order.state. */
export const SPLITS = new StateMachine(SPLIT, 'state', 'id', SPLIT_TRANSITIONS);
