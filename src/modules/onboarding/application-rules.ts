import type { FieldIssue } from '../../platform/errors/errors';

/**
 * The per-subject rules of the applyment body (spec addendum §1.2-1.3), checked before anything is
 * stored or sent: which blocks each subject_type needs, which it must not carry, the enums, and that
 * nothing is empty (WeChat Pay answers empty or unneeded values with bogus errors or 系统繁忙).
 * Field names in the issues are dotted paths under `application`.
 */

type Json = Record<string, unknown>;

export const SUBJECT_TYPES = [
  'SUBJECT_TYPE_INDIVIDUAL',
  'SUBJECT_TYPE_ENTERPRISE',
  'SUBJECT_TYPE_GOVERNMENT',
  'SUBJECT_TYPE_INSTITUTIONS',
  'SUBJECT_TYPE_OTHERS',
] as const;
export type SubjectType = (typeof SUBJECT_TYPES)[number];

const ID_DOC_TYPES = [
  'IDENTIFICATION_TYPE_IDCARD',
  'IDENTIFICATION_TYPE_OVERSEA_PASSPORT',
  'IDENTIFICATION_TYPE_HONGKONG_PASSPORT',
  'IDENTIFICATION_TYPE_MACAO_PASSPORT',
  'IDENTIFICATION_TYPE_TAIWAN_PASSPORT',
  'IDENTIFICATION_TYPE_FOREIGN_RESIDENT',
  'IDENTIFICATION_TYPE_HONGKONG_MACAO_RESIDENT',
  'IDENTIFICATION_TYPE_TAIWAN_RESIDENT',
];
const SCENES: Record<string, string> = {
  SALES_SCENES_STORE: 'biz_store_info',
  SALES_SCENES_MP: 'mp_info',
  SALES_SCENES_MINI_PROGRAM: 'mini_program_info',
  SALES_SCENES_WEB: 'web_info',
  SALES_SCENES_APP: 'app_info',
  SALES_SCENES_WEWORK: 'wework_info',
};
const CERT_TYPES: Record<string, string[]> = {
  SUBJECT_TYPE_INSTITUTIONS: ['CERTIFICATE_TYPE_2388'],
  SUBJECT_TYPE_GOVERNMENT: ['CERTIFICATE_TYPE_2389'],
  SUBJECT_TYPE_OTHERS: [
    'CERTIFICATE_TYPE_2389',
    'CERTIFICATE_TYPE_2394',
    'CERTIFICATE_TYPE_2395',
    'CERTIFICATE_TYPE_2396',
    'CERTIFICATE_TYPE_2399',
    'CERTIFICATE_TYPE_2400',
    'CERTIFICATE_TYPE_2520',
    'CERTIFICATE_TYPE_2521',
    'CERTIFICATE_TYPE_2522',
  ],
};
const TOP = ['contact_info', 'subject_info', 'business_info', 'settlement_info', 'bank_account_info', 'addition_info'];

class Checker {
  readonly issues: FieldIssue[] = [];
  add(field: string, issue: string): void {
    this.issues.push({ field: `application.${field}`, issue });
  }
  /** The object at `obj[key]` when present and an object; records an issue when required and absent. */
  block(obj: Json, key: string, at: string, required: boolean, why = ''): Json | undefined {
    const v = obj[key];
    if (v === undefined) {
      if (required) this.add(`${at}${key}`, `is required${why}`);
      return undefined;
    }
    if (!v || typeof v !== 'object' || Array.isArray(v)) {
      this.add(`${at}${key}`, 'must be an object');
      return undefined;
    }
    return v as Json;
  }
  /** Required strings of a block. */
  strings(obj: Json, keys: string[], at: string): void {
    for (const k of keys) {
      if (obj[k] === undefined) this.add(`${at}${k}`, 'is required');
      else if (typeof obj[k] !== 'string') this.add(`${at}${k}`, 'must be a string');
    }
  }
  enumOf(obj: Json, key: string, at: string, allowed: readonly string[], required = true): string | undefined {
    const v = obj[key];
    if (v === undefined) {
      if (required) this.add(`${at}${key}`, 'is required');
      return undefined;
    }
    if (typeof v !== 'string' || !allowed.includes(v)) {
      this.add(`${at}${key}`, `must be one of ${allowed.join(', ')}`);
      return undefined;
    }
    return v;
  }
  /** Fields that must be absent (unneeded values are refused by WeChat Pay). */
  absent(obj: Json, keys: string[], at: string, why: string): void {
    for (const k of keys) if (obj[k] !== undefined) this.add(`${at}${k}`, `must not be sent ${why}`);
  }
  pattern(obj: Json, key: string, at: string, re: RegExp, issue: string): void {
    const v = obj[key];
    if (typeof v === 'string' && v && !re.test(v)) this.add(`${at}${key}`, issue);
  }
}

/** Every empty string, empty object, empty array or null in the body (WeChat Pay: 系统繁忙 / required-field errors). */
function empties(c: Checker, v: unknown, at: string): void {
  if (v === null) c.add(at, 'must not be null (omit the field instead)');
  else if (typeof v === 'string' && v.trim() === '') c.add(at, 'must not be empty (omit the field instead)');
  else if (Array.isArray(v)) {
    if (!v.length) c.add(at, 'must not be an empty list (omit the field instead)');
    v.forEach((x, i) => empties(c, x, `${at}.${i}`));
  } else if (v && typeof v === 'object') {
    const entries = Object.entries(v as Json);
    if (!entries.length) c.add(at, 'must not be an empty object (omit it instead)');
    for (const [k, x] of entries) empties(c, x, at ? `${at}.${k}` : k);
  }
}

/** The licence/certificate number's length decides whether organization_info is needed (三证合一 = 18 characters). */
function checkOrganization(c: Checker, subject: Json, number: unknown): void {
  const needed = typeof number === 'string' && number.length !== 18;
  const org = c.block(
    subject,
    'organization_info',
    'subject_info.',
    needed,
    ' (the licence number is not an 18-character 统一社会信用代码)',
  );
  if (org)
    c.strings(org, ['organization_copy', 'organization_code', 'org_period_begin', 'org_period_end'], 'subject_info.organization_info.');
  if (!needed && subject.organization_info !== undefined)
    c.add('subject_info.organization_info', 'must not be sent: an 18-character licence number is 三证合一');
}

function checkIdentity(c: Checker, subject: Json, type: SubjectType): void {
  const at = 'subject_info.identity_info.';
  const id = c.block(subject, 'identity_info', 'subject_info.', true);
  if (!id) return;
  const govLike = type === 'SUBJECT_TYPE_GOVERNMENT' || type === 'SUBJECT_TYPE_INSTITUTIONS';
  const holder = govLike ? (c.enumOf(id, 'id_holder_type', at, ['LEGAL', 'SUPER'], false) ?? 'LEGAL') : 'LEGAL';
  if (!govLike) c.absent(id, ['id_holder_type'], at, `for ${type} (the holder is always the legal person)`);
  if (holder === 'SUPER') {
    c.strings(id, ['authorize_letter_copy'], at);
  } else c.absent(id, ['authorize_letter_copy'], at, 'unless id_holder_type is SUPER');
  const allowed = type === 'SUBJECT_TYPE_GOVERNMENT' ? ['IDENTIFICATION_TYPE_IDCARD'] : ID_DOC_TYPES;
  const doc = c.enumOf(id, 'id_doc_type', at, allowed, holder === 'LEGAL');
  if (doc === 'IDENTIFICATION_TYPE_IDCARD') {
    const card = c.block(id, 'id_card_info', at, true, ' when id_doc_type is IDENTIFICATION_TYPE_IDCARD');
    c.absent(id, ['id_doc_info'], at, 'with an ID card (use id_card_info)');
    if (card) {
      const cat = `${at}id_card_info.`;
      c.strings(card, ['id_card_copy', 'id_card_national', 'id_card_name', 'id_card_number', 'card_period_begin', 'card_period_end'], cat);
      c.pattern(card, 'id_card_number', cat, /^(\d{15}|\d{17}[\dX])$/, 'must be 15 digits, or 17 digits and a digit or X');
      if (type === 'SUBJECT_TYPE_ENTERPRISE') c.strings(card, ['id_card_address'], cat);
      else c.absent(card, ['id_card_address'], cat, `for ${type} (enterprises only)`);
    }
  } else if (doc) {
    const d = c.block(id, 'id_doc_info', at, true, ` when id_doc_type is ${doc}`);
    c.absent(id, ['id_card_info'], at, `with id_doc_type ${doc} (use id_doc_info)`);
    if (d) c.strings(d, ['id_doc_copy', 'id_doc_name', 'id_doc_number', 'doc_period_begin', 'doc_period_end'], `${at}id_doc_info.`);
  }
  if (type === 'SUBJECT_TYPE_ENTERPRISE') {
    if (typeof id.owner !== 'boolean') c.add(`${at}owner`, 'is required for SUBJECT_TYPE_ENTERPRISE (true or false)');
  } else c.absent(id, ['owner'], at, `for ${type} (enterprises only)`);
}

function checkSubject(c: Checker, subject: Json): SubjectType | undefined {
  const at = 'subject_info.';
  const type = c.enumOf(subject, 'subject_type', at, SUBJECT_TYPES) as SubjectType | undefined;
  if (!type) return undefined;
  const licensed = type === 'SUBJECT_TYPE_INDIVIDUAL' || type === 'SUBJECT_TYPE_ENTERPRISE';
  if (licensed) {
    const lic = c.block(subject, 'business_license_info', at, true, ` for ${type}`);
    c.absent(subject, ['certificate_info'], at, `for ${type} (it has a business licence)`);
    if (lic) {
      c.strings(lic, ['license_copy', 'license_number', 'merchant_name', 'legal_person'], `${at}business_license_info.`);
      if (type === 'SUBJECT_TYPE_INDIVIDUAL' && typeof lic.merchant_name === 'string' && lic.merchant_name.endsWith('公司'))
        c.add(`${at}business_license_info.merchant_name`, 'of an individual business must not end with 公司');
      checkOrganization(c, subject, lic.license_number);
    }
  } else {
    const cert = c.block(subject, 'certificate_info', at, true, ` for ${type}`);
    c.absent(subject, ['business_license_info'], at, `for ${type} (it registers with a certificate)`);
    if (cert) {
      const cat = `${at}certificate_info.`;
      c.strings(cert, ['cert_copy', 'cert_number', 'merchant_name', 'company_address', 'legal_person', 'period_begin', 'period_end'], cat);
      c.enumOf(cert, 'cert_type', cat, CERT_TYPES[type]);
      checkOrganization(c, subject, cert.cert_number);
    }
  }
  if (type !== 'SUBJECT_TYPE_GOVERNMENT' && type !== 'SUBJECT_TYPE_INSTITUTIONS')
    c.absent(subject, ['certificate_letter_copy'], at, `for ${type} (government and institutions only)`);
  if (type !== 'SUBJECT_TYPE_ENTERPRISE') c.absent(subject, ['ubo_info_list'], at, `for ${type} (enterprises only)`);
  else if (subject.ubo_info_list !== undefined) {
    const list = subject.ubo_info_list;
    if (!Array.isArray(list) || list.length > 4) c.add(`${at}ubo_info_list`, 'must be a list of at most 4 beneficial owners');
    else
      list.forEach((u, i) =>
        c.strings(
          (u ?? {}) as Json,
          [
            'ubo_id_doc_type',
            'ubo_id_doc_copy',
            'ubo_id_doc_name',
            'ubo_id_doc_number',
            'ubo_id_doc_address',
            'ubo_period_begin',
            'ubo_period_end',
          ],
          `${at}ubo_info_list.${i}.`,
        ),
      );
  }
  checkIdentity(c, subject, type);
  return type;
}

function checkContact(c: Checker, contact: Json): void {
  const at = 'contact_info.';
  const type = c.enumOf(contact, 'contact_type', at, ['LEGAL', 'SUPER']);
  c.strings(contact, ['contact_name', 'mobile_phone', 'contact_email'], at);
  c.pattern(contact, 'mobile_phone', at, /^1\d{10}$/, 'must be an 11-digit mobile number');
  c.pattern(contact, 'contact_email', at, /^[^@\s]+@[^@\s]+$/, 'must be an e-mail address');
  const superOnly = [
    'contact_id_doc_type',
    'contact_id_number',
    'contact_id_doc_copy',
    'contact_period_begin',
    'contact_period_end',
    'business_authorization_letter',
  ];
  if (type === 'SUPER') {
    c.enumOf(contact, 'contact_id_doc_type', at, ID_DOC_TYPES);
    c.strings(contact, superOnly.slice(1), at);
  } else if (type === 'LEGAL') c.absent(contact, [...superOnly, 'contact_id_doc_copy_back'], at, 'when contact_type is LEGAL');
}

function checkBusiness(c: Checker, business: Json): void {
  const at = 'business_info.';
  c.strings(business, ['merchant_shortname', 'service_phone'], at);
  const sales = c.block(business, 'sales_info', at, true);
  if (!sales) return;
  const sat = `${at}sales_info.`;
  const scenes = sales.sales_scenes_type;
  if (!Array.isArray(scenes) || !scenes.length) {
    c.add(`${sat}sales_scenes_type`, `is required: a list of ${Object.keys(SCENES).join(', ')}`);
    return;
  }
  const chosen = new Set<string>();
  scenes.forEach((s, i) => {
    if (typeof s !== 'string' || !(s in SCENES)) c.add(`${sat}sales_scenes_type.${i}`, `must be one of ${Object.keys(SCENES).join(', ')}`);
    else chosen.add(s);
  });
  for (const [scene, block] of Object.entries(SCENES)) {
    if (chosen.has(scene)) c.block(sales, block, sat, true, ` for ${scene}`);
    else if (sales[block] !== undefined) c.add(`${sat}${block}`, `must not be sent without ${scene} in sales_scenes_type`);
  }
  const mini = sales.mini_program_info as Json | undefined;
  if (mini && typeof mini === 'object' && (mini.mini_program_appid === undefined) === (mini.mini_program_sub_appid === undefined))
    c.add(`${sat}mini_program_info.mini_program_sub_appid`, 'give exactly one of mini_program_appid and mini_program_sub_appid');
  const store = sales.biz_store_info as Json | undefined;
  if (store && typeof store === 'object')
    c.strings(store, ['biz_store_name', 'biz_address_code', 'biz_store_address'], `${sat}biz_store_info.`);
}

/** Every problem with `app` for its subject_type (empty = valid), plus the subject type when it could be read. */
export function checkApplication(app: unknown): { issues: FieldIssue[]; subjectType?: SubjectType } {
  const c = new Checker();
  if (!app || typeof app !== 'object' || Array.isArray(app)) {
    c.add('', 'must be an object');
    return { issues: c.issues.map((i) => ({ ...i, field: 'application' })) };
  }
  const a = app as Json;
  for (const k of Object.keys(a)) if (!TOP.includes(k)) c.add(k, `is not a block of the applyment (allowed: ${TOP.join(', ')})`);
  empties(c, a, '');
  const contact = c.block(a, 'contact_info', '', true);
  if (contact) checkContact(c, contact);
  const subject = c.block(a, 'subject_info', '', true);
  const subjectType = subject ? checkSubject(c, subject) : undefined;
  const business = c.block(a, 'business_info', '', true);
  if (business) checkBusiness(c, business);
  const settlement = c.block(a, 'settlement_info', '', true);
  if (settlement) {
    c.strings(settlement, ['settlement_id', 'qualification_type'], 'settlement_info.');
    if (settlement.activities_id !== undefined)
      c.strings(settlement, ['debit_activities_rate', 'credit_activities_rate'], 'settlement_info.');
  }
  const bank = c.block(a, 'bank_account_info', '', true);
  if (bank) {
    const at = 'bank_account_info.';
    c.enumOf(bank, 'bank_account_type', at, ['BANK_ACCOUNT_TYPE_CORPORATE', 'BANK_ACCOUNT_TYPE_PERSONAL']);
    c.strings(bank, ['account_name', 'account_bank', 'bank_address_code', 'account_number'], at);
    c.pattern(bank, 'account_number', at, /^\d{6,32}$/, 'must be 6-32 digits');
  }
  c.block(a, 'addition_info', '', false);
  // One issue per field, in order: an empty value also trips "is required" elsewhere.
  const seen = new Set<string>();
  return { issues: c.issues.filter((i) => !seen.has(i.field) && seen.add(i.field)), subjectType };
}
