/** PUT /admin/v1/service-providers/{sp_mchid}: create or replace a provider's credentials (never echoed back). */
import { Checkbox, Form, Input } from 'antd';
import { useApiMutation } from '../../../api/query';
import type { Body } from '../../../api/types';
import { useT } from '../../../i18n';
import { FormDialog } from '../../../ui/actions';

type ProviderBody = Body<'/admin/v1/service-providers/{sp_mchid}', 'put'>;
interface Values extends Omit<ProviderBody, 'sp_app_secret'> {
  sp_mchid: string;
  public_key_mode: boolean;
  sp_app_secret?: string;
}

export function ProviderForm({ spMchid, name, spAppid }: { spMchid?: string; name?: string; spAppid?: string }) {
  const t = useT();
  const put = useApiMutation('put', '/admin/v1/service-providers/{sp_mchid}');
  return (
    <FormDialog<Values>
      open={spMchid ? t('providers.replace') : t('providers.create')}
      buttonType={spMchid ? 'default' : 'primary'}
      title={spMchid ? `${t('providers.replace')} ${spMchid}` : t('providers.create')}
      width={720}
      initialValues={{ sp_mchid: spMchid, name, sp_appid: spAppid, public_key_mode: true }}
      submit={async ({ sp_mchid, public_key_mode, sp_app_secret, wechatpay_public_key_id, wechatpay_public_key, ...v }) => {
        const body: ProviderBody = {
          ...v,
          ...(public_key_mode ? { wechatpay_public_key_id, wechatpay_public_key } : {}),
          ...(sp_app_secret ? { sp_app_secret } : {}),
        };
        const p = await put.mutateAsync({ params: { path: { sp_mchid } }, body });
        return t('providers.saved', { sp_mchid: p.sp_mchid, mode: p.verification.mode });
      }}
    >
      <Form.Item name="sp_mchid" label="sp_mchid" htmlFor="sp-mchid" rules={[{ required: true }]}>
        <Input id="sp-mchid" disabled={!!spMchid} />
      </Form.Item>
      <Form.Item name="name" label={t('providers.name')} htmlFor="sp-name" rules={[{ required: true }]}>
        <Input id="sp-name" />
      </Form.Item>
      <Form.Item name="sp_appid" label="sp_appid" htmlFor="sp-appid" rules={[{ required: true }]}>
        <Input id="sp-appid" placeholder="wx…" />
      </Form.Item>
      <Form.Item name="merchant_serial_no" label="merchant_serial_no" htmlFor="sp-serial" rules={[{ required: true }]}>
        <Input id="sp-serial" />
      </Form.Item>
      <Form.Item name="merchant_private_key" label="merchant_private_key (PEM)" htmlFor="sp-key" rules={[{ required: true }]}>
        <Input.TextArea id="sp-key" rows={4} placeholder="-----BEGIN PRIVATE KEY-----" autoComplete="off" />
      </Form.Item>
      <Form.Item name="apiv3_key" label="apiv3_key" htmlFor="sp-apiv3" rules={[{ required: true }]} extra={t('providers.apiv3Hint')}>
        <Input.Password id="sp-apiv3" autoComplete="off" />
      </Form.Item>
      <Form.Item name="public_key_mode" valuePropName="checked" extra={t('providers.modeHint')}>
        <Checkbox>{t('providers.publicKeyMode')}</Checkbox>
      </Form.Item>
      <Form.Item noStyle shouldUpdate={(a, b) => a.public_key_mode !== b.public_key_mode}>
        {({ getFieldValue }) =>
          getFieldValue('public_key_mode') ? (
            <>
              <Form.Item name="wechatpay_public_key_id" label="wechatpay_public_key_id" htmlFor="sp-pubid" rules={[{ required: true }]}>
                <Input id="sp-pubid" placeholder="PUB_KEY_ID_…" />
              </Form.Item>
              <Form.Item name="wechatpay_public_key" label="wechatpay_public_key (PEM)" htmlFor="sp-pub" rules={[{ required: true }]}>
                <Input.TextArea id="sp-pub" rows={4} placeholder="-----BEGIN PUBLIC KEY-----" />
              </Form.Item>
            </>
          ) : null
        }
      </Form.Item>
      <Form.Item name="sp_app_secret" label="sp_app_secret" htmlFor="sp-secret" extra={t('providers.spAppSecretHint')}>
        <Input.Password id="sp-secret" autoComplete="off" />
      </Form.Item>
    </FormDialog>
  );
}
