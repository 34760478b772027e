import { StateMachine } from '../../platform/db/state-machine';
import { RETURN, type ReturnState } from './profit-sharing.entity';

/** The return state machine: PROCESSING -> SUCCESS | FAILED (a 5-day timeout is FAILED at WeChat Pay). */
export const RETURN_TRANSITIONS: Record<ReturnState, readonly ReturnState[]> = {
  RESERVED: ['PROCESSING', 'SUCCESS', 'FAILED'],
  PROCESSING: ['SUCCESS', 'FAILED'],
  SUCCESS: [],
  FAILED: [],
};

/** The return state machine over ps_return.state. */
export const RETURNS = new StateMachine(RETURN, 'state', 'id', RETURN_TRANSITIONS);
