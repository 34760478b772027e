import { StateMachine } from '../../platform/db/state-machine';
import { AUTHORIZATION, type AuthorizationRow, type AuthorizationState } from './open-platform.entity';

/**
 * The authorisation's transition table, the only truth about its moves: the owner withdraws
 * (`unauthorized`) and may authorise again (`authorized`). A push or redirect that repeats the
 * current state is a duplicate and changes nothing; `updateauthorized` (a new permission set) is
 * not a move but an update of an authorized row.
 */
export const AUTHORIZATION_TRANSITIONS: Readonly<Record<AuthorizationState, readonly AuthorizationState[]>> = {
  authorized: ['unauthorized'],
  unauthorized: ['authorized'],
};

/** The guarded UPDATE of an authorisation's state (see StateMachine). */
export const authorizationMachine = new StateMachine<AuthorizationRow, AuthorizationState>(
  AUTHORIZATION,
  'state',
  'id',
  AUTHORIZATION_TRANSITIONS,
);
