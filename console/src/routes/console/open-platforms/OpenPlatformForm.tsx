/** PUT /admin/v1/open-platforms/{component_appid}: register the ISV's open-platform account, or update it (empty secrets are kept). */
import { Form, Input } from 'antd';
import { useApiMutation } from '../../../api/query';
import type { Body } from '../../../api/types';
import { useT } from '../../../i18n';
import { FormDialog } from '../../../ui/actions';

type AccountBody = Body<'/admin/v1/open-platforms/{component_appid}', 'put'>;
interface Values extends AccountBody {
  component_appid: string;
}

/** Drops the secrets left empty, so an update keeps them. */
function filled(v: Omit<Values, 'component_appid'>): AccountBody {
  return Object.fromEntries(
    Object.entries(v)
      .filter(([, x]) => typeof x === 'string' && x.trim() !== '')
      .map(([k, x]) => [k, (x as string).trim()]),
  ) as AccountBody;
}

export function OpenPlatformForm({ componentAppid, name }: { componentAppid?: string; name?: string }) {
  const t = useT();
  const put = useApiMutation('put', '/admin/v1/open-platforms/{component_appid}');
  const creating = !componentAppid;
  return (
    <FormDialog<Values>
      open={creating ? t('openPlatforms.register') : t('openPlatforms.edit')}
      buttonType={creating ? 'primary' : 'default'}
      title={creating ? t('openPlatforms.register') : `${t('openPlatforms.edit')} ${componentAppid}`}
      width={640}
      testId={creating ? 'open-platform-register' : 'open-platform-edit'}
      initialValues={{ component_appid: componentAppid, name }}
      submit={async ({ component_appid, ...v }) => {
        const a = await put.mutateAsync({ params: { path: { component_appid: component_appid.trim() } }, body: filled(v) });
        return t(creating ? 'openPlatforms.registered' : 'openPlatforms.saved', { component_appid: a.component_appid });
      }}
    >
      <Form.Item
        name="component_appid"
        label="component_appid"
        htmlFor="op-appid"
        rules={[{ required: true, pattern: /^wx[0-9a-z]{16}$/, message: t('openPlatforms.appidRule') }]}
      >
        <Input id="op-appid" disabled={!creating} placeholder="wx…" />
      </Form.Item>
      <Form.Item name="name" label={t('openPlatforms.name')} htmlFor="op-name" rules={[{ required: true }]}>
        <Input id="op-name" />
      </Form.Item>
      <Form.Item
        name="component_appsecret"
        label="component_appsecret"
        htmlFor="op-secret"
        rules={[{ required: creating, pattern: /^[0-9A-Za-z]{32}$/, message: t('apps.secretRule') }]}
        extra={t(creating ? 'openPlatforms.secretHint' : 'openPlatforms.keepHint')}
      >
        <Input.Password id="op-secret" autoComplete="off" />
      </Form.Item>
      <Form.Item
        name="token"
        label={t('openPlatforms.token')}
        htmlFor="op-token"
        rules={[{ required: creating, pattern: /^[0-9A-Za-z]{3,32}$/, message: t('openPlatforms.tokenRule') }]}
        extra={creating ? undefined : t('openPlatforms.keepHint')}
      >
        <Input.Password id="op-token" autoComplete="off" />
      </Form.Item>
      <Form.Item
        name="encoding_aes_key"
        label={t('openPlatforms.aesKey')}
        htmlFor="op-aes"
        rules={[{ required: creating, pattern: /^[0-9A-Za-z]{43}$/, message: t('openPlatforms.aesKeyRule') }]}
        extra={creating ? undefined : t('openPlatforms.keepHint')}
      >
        <Input.Password id="op-aes" autoComplete="off" />
      </Form.Item>
    </FormDialog>
  );
}
