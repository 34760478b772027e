import { refuse } from './clearing-guard';

/** Who a settlement account must belong to: the subject (its registered name) and, for 个体户, its legal person. */
export interface SettlementSubject {
  subjectType: string;
  merchantName: string;
  legalPerson?: string;
  /** The name on the legal person's identity document, when the application carries it (WeChat Pay verifies that document). */
  identityHolder?: string;
}

/** The account asked for: corporate (对公) or personal (经营者个人卡), and its holder's name. */
export interface SettlementAccount {
  kind: 'CORPORATE' | 'PERSONAL';
  accountName: string;
}

/** Names compare after Unicode compatibility folding (full-width brackets and spaces) and trimming. */
const norm = (s: string) => s.normalize('NFKC').replace(/\s+/g, '').trim();

/**
 * The 二清 rule `settlement_account_not_owned` (422 SECONDARY_CLEARING_FORBIDDEN, detail.rule): an
 * enterprise, institution, government body or organisation settles to a corporate account named as
 * the subject; an individual business to a corporate account in its name or a personal account in
 * its legal person's name. The refusal never repeats the names (they are personal data).
 */
export function checkSettlementOwner(subject: SettlementSubject, account: SettlementAccount, field = 'bank_account_info'): void {
  const name = norm(account.accountName);
  const individual = subject.subjectType === 'SUBJECT_TYPE_INDIVIDUAL';
  if (account.kind === 'CORPORATE') {
    if (name === norm(subject.merchantName)) return;
    throw refuse('settlement_account_not_owned', "the corporate account's account_name is not the subject's registered merchant_name", {
      field: `${field}.account_name`,
    });
  }
  if (!individual)
    throw refuse('settlement_account_not_owned', `a ${subject.subjectType} settles only to a corporate account in its own name`, {
      field: `${field}.bank_account_type`,
    });
  // The licence's legal_person is only a typed name: the account must also be the identity document's holder's.
  const holderMatches = subject.identityHolder === undefined || name === norm(subject.identityHolder);
  if (subject.legalPerson && name === norm(subject.legalPerson) && holderMatches) return;
  throw refuse('settlement_account_not_owned', "a personal account of an individual business must be in its legal person's name", {
    field: `${field}.account_name`,
  });
}

/**
 * True when `claimed` names the subject `declared` (type, registered name and, when `claimed` gives
 * one, legal person; names after folding): a request may repeat what an applyment declares, never change it.
 */
export function sameSubject(declared: SettlementSubject, claimed: SettlementSubject): boolean {
  if (declared.subjectType !== claimed.subjectType || norm(declared.merchantName) !== norm(claimed.merchantName)) return false;
  if (claimed.legalPerson === undefined) return true;
  return declared.legalPerson !== undefined && norm(declared.legalPerson) === norm(claimed.legalPerson);
}
