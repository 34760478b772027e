import { StateMachine } from '../../platform/db/state-machine';
import { APPLYMENT, type ApplymentRow } from './applyment.entity';

/** WeChat Pay's applyment states (spec addendum §1.6, spelling EDITTING included) plus our SUBMITTING. */
export const APPLYMENT_STATES = [
  'SUBMITTING',
  'APPLYMENT_STATE_EDITTING',
  'APPLYMENT_STATE_AUDITING',
  'APPLYMENT_STATE_REJECTED',
  'APPLYMENT_STATE_TO_BE_CONFIRMED',
  'APPLYMENT_STATE_TO_BE_SIGNED',
  'APPLYMENT_STATE_SIGNING',
  'APPLYMENT_STATE_FINISHED',
  'APPLYMENT_STATE_CANCELED',
] as const;
export type ApplymentState = (typeof APPLYMENT_STATES)[number];

/** Nothing moves an applyment out of these. */
export const FINAL_STATES: readonly string[] = ['APPLYMENT_STATE_FINISHED', 'APPLYMENT_STATE_CANCELED'];
/** States an operator may (re)submit from: WeChat Pay overwrites a REJECTED or EDITTING applyment of the same business_code. */
export const SUBMITTABLE: readonly ApplymentState[] = ['SUBMITTING', 'APPLYMENT_STATE_EDITTING', 'APPLYMENT_STATE_REJECTED'];
/** From APPLYMENT_STATE_TO_BE_SIGNED on, WeChat Pay returns the sub_mchid. */
export const HAS_SUB_MCHID: readonly string[] = ['APPLYMENT_STATE_TO_BE_SIGNED', 'APPLYMENT_STATE_SIGNING', 'APPLYMENT_STATE_FINISHED'];

const AFTER_REVIEW: ApplymentState[] = [
  'APPLYMENT_STATE_REJECTED',
  'APPLYMENT_STATE_TO_BE_CONFIRMED',
  'APPLYMENT_STATE_TO_BE_SIGNED',
  'APPLYMENT_STATE_SIGNING',
  'APPLYMENT_STATE_FINISHED',
  'APPLYMENT_STATE_CANCELED',
];

/**
 * The transition table: submitting leads to review (or EDITTING on WeChat Pay's internal error, or
 * straight back to EDITTING on a definite refusal); review moves forward only, and polling may skip
 * states it did not see; REJECTED and EDITTING go back through SUBMITTING on a resubmit.
 */
export const APPLYMENT_TRANSITIONS: Record<ApplymentState, readonly ApplymentState[]> = {
  SUBMITTING: ['APPLYMENT_STATE_EDITTING', 'APPLYMENT_STATE_AUDITING', ...AFTER_REVIEW],
  APPLYMENT_STATE_EDITTING: ['SUBMITTING', 'APPLYMENT_STATE_AUDITING', 'APPLYMENT_STATE_CANCELED'],
  APPLYMENT_STATE_AUDITING: ['APPLYMENT_STATE_EDITTING', ...AFTER_REVIEW],
  APPLYMENT_STATE_REJECTED: ['SUBMITTING', 'APPLYMENT_STATE_AUDITING', 'APPLYMENT_STATE_CANCELED'],
  APPLYMENT_STATE_TO_BE_CONFIRMED: [
    'APPLYMENT_STATE_REJECTED',
    'APPLYMENT_STATE_TO_BE_SIGNED',
    'APPLYMENT_STATE_SIGNING',
    'APPLYMENT_STATE_FINISHED',
    'APPLYMENT_STATE_CANCELED',
  ],
  APPLYMENT_STATE_TO_BE_SIGNED: ['APPLYMENT_STATE_SIGNING', 'APPLYMENT_STATE_FINISHED', 'APPLYMENT_STATE_CANCELED'],
  APPLYMENT_STATE_SIGNING: ['APPLYMENT_STATE_FINISHED', 'APPLYMENT_STATE_CANCELED'],
  APPLYMENT_STATE_FINISHED: [],
  APPLYMENT_STATE_CANCELED: [],
};

/** The applyment state machine over its table. */
export const applymentStates = new StateMachine<ApplymentRow, ApplymentState>(APPLYMENT, 'state', 'id', APPLYMENT_TRANSITIONS);

/** True for a state WeChat Pay documents (others are kept as they come and alerted). */
export function isKnownState(s: string): s is ApplymentState {
  return (APPLYMENT_STATES as readonly string[]).includes(s);
}
