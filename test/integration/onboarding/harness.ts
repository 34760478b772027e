/** Fixtures for the onboarding tests: images, applications with seeded personal data, and the admin calls. */
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { TestApp } from '../../support/app';
import { admin, uniqueAppid } from '../../support/tenancy';

/** A tiny deterministic PRNG (mulberry32) so a failing run can be replayed from its printed seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPG = Buffer.from([0xff, 0xd8, 0xff, 0xe0]);
/** Bytes that start like a PNG (or a JPG): all WeChat Pay and partnerpay look at. */
export const png = (size = 200) => Buffer.concat([PNG, randomBytes(size)]);
export const jpg = (size = 200) => Buffer.concat([JPG, randomBytes(size)]);

/** Uploads one image through partnerpay; answers the 201 body. */
export async function upload(
  t: TestApp,
  spMchid: string,
  bytes = png(),
  name = 'licence.png',
): Promise<{ media_id: string; sha256: string; size: number }> {
  const res = await request(t.http)
    .post('/admin/v1/media')
    .set(...admin(t))
    .field('sp_mchid', spMchid)
    .attach('file', bytes, name);
  if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** The personal data of one applicant, distinctive enough to scan for. */
export interface Person {
  name: string;
  idNumber: string;
  phone: string;
  email: string;
  accountNumber: string;
}

const SURNAMES = '赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨';
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英';

export function person(r: () => number): Person {
  const d = (n: number) => Array.from({ length: n }, () => Math.floor(r() * 10)).join('');
  const pick = (s: string) => s[Math.floor(r() * s.length)];
  return {
    name: `${pick(SURNAMES)}${pick(GIVEN)}${pick(GIVEN)}`,
    idNumber: `11010519${d(9)}X`,
    phone: `139${d(8)}`,
    email: `op${d(8)}@example.com`,
    accountNumber: `6222${d(15)}`,
  };
}

/** An individual business (个体户) selling through its own mini-program, settling to the legal person's card (spec addendum A.1). */
export function individualApplication(p: Person, media: string[], appid: string, over: { shop?: string } = {}) {
  // A shop name without the person's name, so tests can scan for the name (a licence's merchant_name is public business data, shown unmasked).
  const shop = over.shop ?? `深圳市南山区好味道${p.idNumber.slice(-3, -1)}号餐饮店`;
  return {
    contact_info: { contact_type: 'LEGAL', contact_name: p.name, mobile_phone: p.phone, contact_email: p.email },
    subject_info: {
      subject_type: 'SUBJECT_TYPE_INDIVIDUAL',
      business_license_info: { license_copy: media[0], license_number: '92440300MA5EXAMPLE', merchant_name: shop, legal_person: p.name },
      identity_info: {
        id_doc_type: 'IDENTIFICATION_TYPE_IDCARD',
        id_card_info: {
          id_card_copy: media[1],
          id_card_national: media[2],
          id_card_name: p.name,
          id_card_number: p.idNumber,
          card_period_begin: '2019-06-06',
          card_period_end: '2039-06-06',
        },
      },
    },
    business_info: {
      merchant_shortname: '好味道餐饮店',
      service_phone: '075586010000',
      sales_info: {
        sales_scenes_type: ['SALES_SCENES_MINI_PROGRAM'],
        mini_program_info: { mini_program_sub_appid: appid, mini_program_pics: [media[3]] },
      },
    },
    settlement_info: { settlement_id: '719', qualification_type: '餐饮' },
    bank_account_info: {
      bank_account_type: 'BANK_ACCOUNT_TYPE_PERSONAL',
      account_name: p.name,
      account_bank: '工商银行',
      bank_address_code: '440300',
      account_number: p.accountNumber,
    },
  };
}

/** An enterprise with a corporate account in its name. */
export function enterpriseApplication(p: Person, media: string[], appid: string) {
  const company = '深圳市腾达玩具有限公司';
  const a = individualApplication(p, media, appid, { shop: company });
  return {
    ...a,
    subject_info: {
      subject_type: 'SUBJECT_TYPE_ENTERPRISE',
      business_license_info: { ...a.subject_info.business_license_info, license_number: '91440300MA5EXAMPLE' },
      identity_info: {
        ...a.subject_info.identity_info,
        id_card_info: { ...a.subject_info.identity_info.id_card_info, id_card_address: `深圳市南山区科技园${p.idNumber.slice(-4)}号` },
        owner: true,
      },
    },
    settlement_info: { settlement_id: '716', qualification_type: '玩具' },
    bank_account_info: { ...a.bank_account_info, bank_account_type: 'BANK_ACCOUNT_TYPE_CORPORATE', account_name: company },
  };
}

/** The tenant template of an applyment. */
export const tenantTemplate = (appid: string) => ({
  name: 'Onboarded Shop',
  apps: [{ appid, type: 'miniprogram', dev_mode: 'outsourced' }],
  webhook_url: null,
});

export { uniqueAppid };
