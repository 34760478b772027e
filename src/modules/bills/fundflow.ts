import { createDecipheriv, createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import {
  rsaOaepDecrypt,
  billHashMatches,
  applyFundflowBill,
  applySubMerchantFundflowBill,
  downloadBill,
  isUpstream,
  type ServiceProviderCredentials,
  type WxpayClient,
} from '@partnerpay/wxpay';
import { BillFormatError } from './trade-bill-parser';
import { units } from './money';

/** A fund-flow account of the provider (contract: `account_type`). */
export type AccountType = 'BASIC' | 'OPERATION' | 'FEES';

const TAG_LENGTH = 16;
const gunzipIfGzip = (b: Buffer) => (b[0] === 0x1f && b[1] === 0x8b ? gunzipSync(b) : b);

/** The provider's own fund-flow bill (CSV text, hash-checked); undefined for NO_STATEMENT_EXIST (no movements that day). */
export async function providerFundflow(
  wxpay: WxpayClient,
  sp: ServiceProviderCredentials,
  billDate: string,
  accountType: AccountType,
): Promise<string | undefined> {
  let bill;
  try {
    bill = await applyFundflowBill(wxpay, sp, { bill_date: billDate, account_type: accountType, tar_type: 'GZIP' });
  } catch (err) {
    if (isUpstream(err, 'NO_STATEMENT_EXIST')) return undefined;
    throw err;
  }
  const file = await downloadBill(wxpay, sp, bill.download_url);
  const plain = gunzipIfGzip(file.body);
  if (!billHashMatches(plain, bill.hash_type, bill.hash_value))
    throw new BillFormatError('fund-flow bill hash mismatch: the download is corrupted');
  return plain.toString('utf8');
}

/**
 * One sub-merchant's fund-flow bill (BASIC account), decrypted and hash-checked: each part's
 * `encrypt_key` is RSA-OAEP (SHA-1) under the provider's merchant key, the part itself AES-256-GCM
 * (ciphertext ‖ 16-byte tag, no AAD) with that key and `nonce`; parts join in bill_sequence order.
 * Undefined for NO_STATEMENT_EXIST.
 */
export async function subMerchantFundflow(
  wxpay: WxpayClient,
  sp: ServiceProviderCredentials,
  subMchid: string,
  billDate: string,
): Promise<{ csv: string; hash: string } | undefined> {
  let list;
  try {
    list = await applySubMerchantFundflowBill(wxpay, sp, {
      sub_mchid: subMchid,
      bill_date: billDate,
      account_type: 'BASIC',
      algorithm: 'AEAD_AES_256_GCM',
      tar_type: 'GZIP',
    });
  } catch (err) {
    if (isUpstream(err, 'NO_STATEMENT_EXIST')) return undefined;
    throw err;
  }
  const parts: Buffer[] = [];
  const hashes: string[] = [];
  for (const part of [...list.download_bill_list].sort((a, b) => a.bill_sequence - b.bill_sequence)) {
    const file = await downloadBill(wxpay, sp, part.download_url);
    let plain: Buffer;
    try {
      const key = Buffer.from(rsaOaepDecrypt(part.encrypt_key, sp.merchantPrivateKey), 'utf8');
      const d = createDecipheriv('aes-256-gcm', key, Buffer.from(part.nonce, 'utf8'));
      d.setAuthTag(file.body.subarray(file.body.length - TAG_LENGTH));
      plain = gunzipIfGzip(Buffer.concat([d.update(file.body.subarray(0, file.body.length - TAG_LENGTH)), d.final()]));
    } catch (err) {
      throw new BillFormatError(`sub-merchant ${subMchid} fund-flow bill does not decrypt: ${(err as Error).message}`);
    }
    if (!billHashMatches(plain, part.hash_type, part.hash_value))
      throw new BillFormatError(`sub-merchant ${subMchid} fund-flow bill hash mismatch: the download is corrupted`);
    parts.push(plain);
    hashes.push(createHash('sha1').update(plain).digest('hex'));
  }
  return { csv: Buffer.concat(parts).toString('utf8'), hash: hashes.join(',') };
}

/**
 * The trade fees a fund-flow bill moved, in fen: 扣除交易手续费 (paid) less 退还交易手续费 (returned).
 * Ties to the fee total of the same tenant's reconciliation.
 */
export function fundflowFee(csv: string): number {
  const records = parse(csv, { bom: true, quote: false, relax_column_count: true, skip_empty_lines: true }) as string[][];
  const header = records[0] ?? [];
  const type = header.indexOf('业务类型');
  const amount = header.findIndex((h) => h.startsWith('收支金额'));
  if (type < 0 || amount < 0) throw new BillFormatError('malformed fund-flow bill: no 业务类型 or 收支金额 column');
  let fee = 0;
  for (const r of records.slice(1)) {
    if (r[0] === '资金流水总笔数') break;
    const kind = r[type]?.replace(/^`/, '');
    const fen = units(r[amount]?.replace(/^`/, '') ?? '', 2);
    if (fen === undefined) throw new BillFormatError('malformed fund-flow bill: an amount is not yuan');
    if (kind === '扣除交易手续费') fee += fen;
    else if (kind === '退还交易手续费') fee -= fen;
  }
  return fee;
}
