import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkApplication } from '../../../src/modules/onboarding/application-rules';
import { mapSensitive, maskApplication, SENSITIVE_PATHS } from '../../../src/modules/onboarding/sensitive-fields';
import { checkSettlementOwner } from '../../../src/modules/tenancy/settlement-owner';
import { AppError } from '../../../src/platform/errors/errors';
import { enterpriseApplication, individualApplication, person, rng } from '../../integration/onboarding/harness';

const seed = Number(process.env.TEST_SEED ?? Date.now() % 1_000_000);
const media = ['m1', 'm2', 'm3', 'm4'];
const fields = (a: unknown) => checkApplication(a).issues.map((i) => i.field);

test('A complete individual and a complete enterprise application pass; each subject type asks for its own blocks', () => {
  console.log(`# rules seed ${seed}`);
  const p = person(rng(seed));
  assert.deepEqual(checkApplication(individualApplication(p, media, 'wx1')).issues, []);
  assert.deepEqual(checkApplication(enterpriseApplication(p, media, 'wx1')).issues, []);
  const ent = enterpriseApplication(p, media, 'wx1');
  delete (ent.subject_info.identity_info as { owner?: boolean }).owner;
  assert.deepEqual(fields(ent), ['application.subject_info.identity_info.owner']);
  const gov = individualApplication(p, media, 'wx1') as unknown as { subject_info: Record<string, unknown> };
  gov.subject_info.subject_type = 'SUBJECT_TYPE_INSTITUTIONS';
  assert.deepEqual(fields(gov).slice(0, 2), [
    'application.subject_info.certificate_info',
    'application.subject_info.business_license_info',
  ]);
  const shortLicence = individualApplication(p, media, 'wx1');
  shortLicence.subject_info.business_license_info.license_number = '440300000000001';
  assert.deepEqual(fields(shortLicence), ['application.subject_info.organization_info']);
});

test('Unknown top-level blocks, nulls and empty lists are named', () => {
  const a = { ...individualApplication(person(rng(seed)), media, 'wx1'), extra_info: { a: 1 } } as Record<string, unknown>;
  (a.settlement_info as Record<string, unknown>).qualifications = [];
  (a.contact_info as Record<string, unknown>).openid = null;
  assert.deepEqual(fields(a).sort(), [
    'application.contact_info.openid',
    'application.extra_info',
    'application.settlement_info.qualifications',
  ]);
});

test('The 15 sensitive fields are found wherever they are, and masking leaves no personal value whole', async () => {
  assert.equal(SENSITIVE_PATHS.length, 15);
  const p = person(rng(seed + 1));
  const app = enterpriseApplication(p, media, 'wx1') as unknown as Record<string, Record<string, unknown>>;
  (app.subject_info as Record<string, unknown>).ubo_info_list = [
    { ubo_id_doc_type: 'IDENTIFICATION_TYPE_IDCARD', ubo_id_doc_name: p.name, ubo_id_doc_number: p.idNumber, ubo_id_doc_address: 'addr' },
  ];
  const seen: string[] = [];
  await mapSensitive(app, (v, path) => {
    seen.push(path);
    return v;
  });
  assert.deepEqual(seen.sort(), [
    'bank_account_info.account_name',
    'bank_account_info.account_number',
    'contact_info.contact_email',
    'contact_info.contact_name',
    'contact_info.mobile_phone',
    'subject_info.identity_info.id_card_info.id_card_address',
    'subject_info.identity_info.id_card_info.id_card_name',
    'subject_info.identity_info.id_card_info.id_card_number',
    'subject_info.ubo_info_list.0.ubo_id_doc_address',
    'subject_info.ubo_info_list.0.ubo_id_doc_name',
    'subject_info.ubo_info_list.0.ubo_id_doc_number',
  ]);
  const masked = JSON.stringify(maskApplication(app));
  for (const v of [p.name, p.idNumber, p.phone, p.email, p.accountNumber]) assert.ok(!masked.includes(v), v);
});

test("The settlement account belongs to the subject: corporate by merchant_name, personal only for 个体户 in the legal person's name", () => {
  const refused = (f: () => void) =>
    assert.throws(f, (e: unknown) => e instanceof AppError && e.detail?.rule === 'settlement_account_not_owned');
  const ind = { subjectType: 'SUBJECT_TYPE_INDIVIDUAL', merchantName: '张三餐饮店', legalPerson: '张三' };
  const ent = { subjectType: 'SUBJECT_TYPE_ENTERPRISE', merchantName: '腾达（深圳）有限公司' };
  checkSettlementOwner(ind, { kind: 'PERSONAL', accountName: '张三' });
  checkSettlementOwner(ind, { kind: 'CORPORATE', accountName: '张三餐饮店' });
  checkSettlementOwner(ent, { kind: 'CORPORATE', accountName: '腾达(深圳)有限公司' });
  refused(() => checkSettlementOwner(ind, { kind: 'PERSONAL', accountName: '李四' }));
  refused(() => checkSettlementOwner(ent, { kind: 'PERSONAL', accountName: '腾达（深圳）有限公司' }));
  refused(() => checkSettlementOwner(ent, { kind: 'CORPORATE', accountName: 'ISV 服务商有限公司' }));
});
