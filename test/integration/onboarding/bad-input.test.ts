import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { admin, rsaPems } from '../../support/tenancy';
import { givenWechatProvider, simulatorOf, type Provider } from '../../support/payments';
import { APPLYMENT } from '../../../src/modules/onboarding/applyment.entity';
import { TOKENS } from '../../../src/platform/tokens';
import type { Database } from '../../../src/platform/db/database';
import { enterpriseApplication, individualApplication, jpg, person, png, rng, tenantTemplate, uniqueAppid, upload } from './harness';

let t: TestApp;
let provider: Provider;
let media: string[];
const seed = Number(process.env.TEST_SEED ?? Date.now() % 1_000_000);

before(async () => {
  console.log(`# onboarding bad-input seed ${seed}`);
  t = await startTestApp();
  provider = await givenWechatProvider(t, rsaPems());
  media = [];
  for (let i = 0; i < 4; i++) media.push((await upload(t, provider.spMchid, i % 2 ? jpg() : png())).media_id);
});
after(() => t.close());

const post = (body: unknown, headers: Record<string, string> = {}) =>
  request(t.http)
    .post('/admin/v1/applyments')
    .set(...admin(t))
    .set(headers)
    .send(body as object);
const submits = () =>
  simulatorOf(t)
    .calls()
    .filter((c) => c.path === '/v3/applyment4sub/applyment/').length;
const rows = async () =>
  (await APPLYMENT.findBy(t.app.container.resolve<Database>(TOKENS.Db).read(), { spMchid: provider.spMchid })).length;

type App = ReturnType<typeof individualApplication>;
const cases: Array<[string, (a: App) => unknown, number, string]> = [
  [
    'a missing block for the subject type',
    (a) => ({ ...a, subject_info: { ...a.subject_info, business_license_info: undefined } }),
    400,
    'application.subject_info.business_license_info',
  ],
  ['an unneeded empty block', (a) => ({ ...a, addition_info: {} }), 400, 'application.addition_info'],
  [
    'an empty string',
    (a) => ({ ...a, settlement_info: { ...a.settlement_info, qualification_type: '' } }),
    400,
    'application.settlement_info.qualification_type',
  ],
  [
    'a wrong enum',
    (a) => ({ ...a, subject_info: { ...a.subject_info, subject_type: 'SUBJECT_TYPE_SHOP' } }),
    400,
    'application.subject_info.subject_type',
  ],
  [
    'an unneeded block (ubo for an individual)',
    (a) => ({ ...a, subject_info: { ...a.subject_info, ubo_info_list: [{ ubo_id_doc_type: 'X' }] } }),
    400,
    'application.subject_info.ubo_info_list',
  ],
  [
    'a scene block without its scene',
    (a) => ({ ...a, business_info: { ...a.business_info, sales_info: { ...a.business_info.sales_info, mp_info: { mp_appid: 'wx1' } } } }),
    400,
    'application.business_info.sales_info.mp_info',
  ],
  [
    'id_card_address for an individual',
    (a) => ({
      ...a,
      subject_info: {
        ...a.subject_info,
        identity_info: {
          ...a.subject_info.identity_info,
          id_card_info: { ...a.subject_info.identity_info.id_card_info, id_card_address: '某地' },
        },
      },
    }),
    400,
    'application.subject_info.identity_info.id_card_info.id_card_address',
  ],
  [
    'organization_info with an 18-character licence',
    (a) => ({
      ...a,
      subject_info: {
        ...a.subject_info,
        organization_info: {
          organization_copy: 'm',
          organization_code: '123456789',
          org_period_begin: '2020-01-01',
          org_period_end: '长期',
        },
      },
    }),
    400,
    'application.subject_info.organization_info',
  ],
  [
    'a bad mobile number',
    (a) => ({ ...a, contact_info: { ...a.contact_info, mobile_phone: '12345' } }),
    400,
    'application.contact_info.mobile_phone',
  ],
  [
    'a SUPER contact without its documents',
    (a) => ({ ...a, contact_info: { ...a.contact_info, contact_type: 'SUPER' } }),
    400,
    'application.contact_info.contact_id_doc_type',
  ],
  [
    "a settlement account in a third party's name",
    (a) => ({ ...a, bank_account_info: { ...a.bank_account_info, account_name: '王某某' } }),
    422,
    'settlement_account_not_owned',
  ],
  [
    "a corporate account not in the business's name",
    (a) => ({
      ...a,
      bank_account_info: { ...a.bank_account_info, bank_account_type: 'BANK_ACCOUNT_TYPE_CORPORATE', account_name: '某某投资有限公司' },
    }),
    422,
    'settlement_account_not_owned',
  ],
];

for (const [what, change, status, field] of cases) {
  test(`When an applyment has ${what}, then ${status} names ${field}, nothing is sent to WeChat Pay and nothing is written`, async () => {
    const p = person(rng(seed));
    const appid = uniqueAppid();
    const before = [submits(), await rows()];
    const res = await post({
      sp_mchid: provider.spMchid,
      application: change(individualApplication(p, media, appid)),
      tenant: tenantTemplate(appid),
    });
    assert.equal(res.status, status, JSON.stringify(res.body));
    if (status === 400) {
      assert.equal(res.body.code, 'PARAM_ERROR');
      assert.ok(
        res.body.detail.fields.some((f: { field: string }) => f.field === field),
        JSON.stringify(res.body.detail),
      );
    } else {
      assert.equal(res.body.code, 'SECONDARY_CLEARING_FORBIDDEN');
      assert.equal(res.body.detail.rule, field);
    }
    for (const v of [p.name, p.idNumber, p.phone, p.accountNumber]) assert.ok(!res.text.includes(v), 'the error repeats personal data');
    assert.deepEqual([submits(), await rows()], before);
  });
}

test('When an enterprise settles to a personal card, then 422 settlement_account_not_owned before any call; to its corporate account it is accepted', async () => {
  const p = person(rng(seed + 7));
  const appid = uniqueAppid();
  const app = enterpriseApplication(p, media, appid);
  const personal = {
    ...app,
    bank_account_info: { ...app.bank_account_info, bank_account_type: 'BANK_ACCOUNT_TYPE_PERSONAL', account_name: p.name },
  };
  const n = submits();
  const refused = await post({ sp_mchid: provider.spMchid, application: personal, tenant: tenantTemplate(appid) });
  assert.equal(refused.status, 422);
  assert.equal(refused.body.detail.rule, 'settlement_account_not_owned');
  assert.equal(submits(), n);
  const ok = await post({ sp_mchid: provider.spMchid, application: app, tenant: tenantTemplate(appid) });
  assert.equal(ok.status, 201, JSON.stringify(ok.body));
  assert.equal(ok.body.applyment.application.subject_info.identity_info.id_card_info.id_card_address, '***');
  const rules = await request(t.http)
    .get('/admin/v1/compliance')
    .set(...admin(t));
  assert.ok(rules.body.rules.some((r: { rule: string }) => r.rule === 'settlement_account_not_owned'));
});

test('When a business_code is reused: the same body answers 200 with the same applyment, another body 409 BUSINESS_CODE_USED naming business_code', async () => {
  const p = person(rng(seed + 2));
  const appid = uniqueAppid();
  const body = {
    sp_mchid: provider.spMchid,
    business_code: `${provider.spMchid}_reuse_${seed}`,
    application: individualApplication(p, media, appid),
    tenant: tenantTemplate(appid),
  };
  const first = await post(body);
  assert.equal(first.status, 201, JSON.stringify(first.body));
  const n = submits();
  const same = await post(body);
  assert.equal(same.status, 200);
  assert.equal(same.body.applyment.id, first.body.applyment.id);
  const other = await post({ ...body, application: individualApplication(person(rng(seed + 3)), media, appid) });
  assert.equal(other.status, 409);
  assert.equal(other.body.code, 'BUSINESS_CODE_USED');
  assert.equal(other.body.detail.field, 'business_code');
  assert.equal(submits(), n);
});

test('When the same Idempotency-Key comes twice, then the first answer is replayed; with another body it is 409 IDEMPOTENCY_CONFLICT', async () => {
  const appid = uniqueAppid();
  const body = {
    sp_mchid: provider.spMchid,
    application: individualApplication(person(rng(seed + 4)), media, appid),
    tenant: tenantTemplate(appid),
  };
  const key = { 'Idempotency-Key': `onb-${seed}-${Date.now()}` };
  const first = await post(body, key);
  assert.equal(first.status, 201, JSON.stringify(first.body));
  const replay = await post(body, key);
  assert.equal(replay.status, 201);
  assert.equal(replay.headers['idempotent-replayed'], 'true');
  assert.equal(replay.body.applyment.id, first.body.applyment.id);
  const conflict = await post({ ...body, tenant: { ...body.tenant, name: 'Other' } }, key);
  assert.equal(conflict.status, 409);
  assert.equal(conflict.body.code, 'IDEMPOTENCY_CONFLICT');
});

test('When an upload is not a JPG/PNG/BMP, too big, empty or without sp_mchid, then 400 PARAM_ERROR says which, and nothing is uploaded', async () => {
  const uploads = () =>
    simulatorOf(t)
      .calls()
      .filter((c) => c.path === '/v3/merchant/media/upload').length;
  const n = uploads();
  const send = (bytes: Buffer | null, sp: string | null = provider.spMchid, name = 'x.png') => {
    let r = request(t.http)
      .post('/admin/v1/media')
      .set(...admin(t));
    if (sp !== null) r = r.field('sp_mchid', sp);
    return bytes === null ? r.field('other', 'x') : r.attach('file', bytes, name);
  };
  const pdf = await send(Buffer.from('%PDF-1.4 not an image'), provider.spMchid, 'photo.png');
  assert.equal(pdf.status, 400);
  assert.match(pdf.body.detail.fields[0].issue, /not a JPG, PNG or BMP/);
  const big = await send(png(2 * 1024 * 1024));
  assert.equal(big.status, 400);
  assert.match(big.body.detail.fields[0].issue, /larger than/);
  assert.equal((await send(null)).body.detail.fields[0].field, 'file');
  assert.equal((await send(png(), null)).body.detail.fields[0].field, 'sp_mchid');
  const json = await request(t.http)
    .post('/admin/v1/media')
    .set(...admin(t))
    .send({ sp_mchid: provider.spMchid });
  assert.equal(json.status, 400);
  assert.equal(uploads(), n);

  // A BMP within the limit goes up, and WeChat Pay checked its sha256 against the meta the signature covers.
  const bmp = Buffer.concat([Buffer.from('BM'), png(1000)]);
  const ok = await send(bmp, provider.spMchid, 'scan.bmp');
  assert.equal(ok.status, 201, JSON.stringify(ok.body));
  assert.equal(ok.body.size, bmp.length);
  assert.equal(simulatorOf(t).onboarding.media.get(ok.body.media_id)?.sha256, ok.body.sha256);
});
