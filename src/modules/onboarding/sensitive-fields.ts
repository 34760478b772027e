/**
 * The applyment's personal data: the 15 fields WeChat Pay wants RSA-OAEP encrypted (spec addendum
 * §1.4), and how every personal value is masked in answers, audit entries and kept data.
 */

/** Paths of the 15 encrypted fields; `[]` marks an array whose every item has the field. */
export const SENSITIVE_PATHS = [
  'contact_info.contact_name',
  'contact_info.contact_id_number',
  'contact_info.mobile_phone',
  'contact_info.contact_email',
  'subject_info.identity_info.id_card_info.id_card_name',
  'subject_info.identity_info.id_card_info.id_card_number',
  'subject_info.identity_info.id_card_info.id_card_address',
  'subject_info.identity_info.id_doc_info.id_doc_name',
  'subject_info.identity_info.id_doc_info.id_doc_number',
  'subject_info.identity_info.id_doc_info.id_doc_address',
  'subject_info.ubo_info_list[].ubo_id_doc_name',
  'subject_info.ubo_info_list[].ubo_id_doc_number',
  'subject_info.ubo_info_list[].ubo_id_doc_address',
  'bank_account_info.account_name',
  'bank_account_info.account_number',
] as const;

type Json = Record<string, unknown>;

/** Calls `fn` for every sensitive string present in `app` (with its path) and stores what it returns in its place (in a copy). */
export async function mapSensitive(app: Json, fn: (value: string, path: string) => Promise<string> | string): Promise<Json> {
  const out = structuredClone(app);
  for (const path of SENSITIVE_PATHS) {
    const parts = path.split('.');
    const walk = async (node: unknown, i: number, at: string): Promise<void> => {
      if (!node || typeof node !== 'object') return;
      const key = parts[i];
      if (key.endsWith('[]')) {
        const list = (node as Json)[key.slice(0, -2)];
        if (Array.isArray(list)) for (let k = 0; k < list.length; k++) await walk(list[k], i + 1, `${at}${key.slice(0, -2)}.${k}.`);
        return;
      }
      const obj = node as Json;
      if (i === parts.length - 1) {
        if (typeof obj[key] === 'string') obj[key] = await fn(obj[key], `${at}${key}`);
        return;
      }
      await walk(obj[key], i + 1, `${at}${key}.`);
    };
    await walk(out, 0, '');
  }
  return out;
}

const NAME_KEYS = new Set(['contact_name', 'id_card_name', 'id_doc_name', 'ubo_id_doc_name', 'legal_person', 'account_name']);
const ID_KEYS = new Set(['contact_id_number', 'id_card_number', 'id_doc_number', 'ubo_id_doc_number']);
const ADDRESS_KEYS = new Set(['id_card_address', 'id_doc_address', 'ubo_id_doc_address']);
const PHONE_KEYS = new Set(['mobile_phone', 'service_phone']);

/** 张三 → 张*, 深圳市南山区张三餐饮店 → 深*********店: enough for an operator to recognise, never the whole name. */
export function maskName(s: string): string {
  const c = [...s];
  if (c.length <= 2) return `${c[0] ?? ''}*`;
  return `${c[0]}${'*'.repeat(c.length - 2)}${c[c.length - 1]}`;
}
/** Keeps the last 4 characters: 6222021234567890123 → ***************0123. */
export function maskNumber(s: string): string {
  return s.length <= 4 ? '*'.repeat(s.length) : `${'*'.repeat(s.length - 4)}${s.slice(-4)}`;
}
/** 13800138000 → 138****8000. */
export function maskPhone(s: string): string {
  return s.length < 8 ? '*'.repeat(s.length) : `${s.slice(0, 3)}${'*'.repeat(s.length - 7)}${s.slice(-4)}`;
}
/** zhang.san@example.com → z***@example.com. */
export function maskEmail(s: string): string {
  const at = s.lastIndexOf('@');
  return at < 1 ? '***' : `${s[0]}***${s.slice(at)}`;
}

/** A deep copy of an application (or any part) with every personal value masked, by field name. */
export function maskApplication(value: unknown, key = ''): unknown {
  if (typeof value === 'string') {
    if (NAME_KEYS.has(key)) return maskName(value);
    if (ID_KEYS.has(key) || key === 'account_number') return maskNumber(value);
    if (ADDRESS_KEYS.has(key)) return '***';
    if (PHONE_KEYS.has(key)) return maskPhone(value);
    if (key === 'contact_email') return maskEmail(value);
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => maskApplication(v, key));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, maskApplication(v, k)]));
  return value;
}
