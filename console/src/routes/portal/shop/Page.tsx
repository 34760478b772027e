/**
 * What a shop's owner manages itself: its portal users (invite, change role, remove; never itself),
 * the webhook URL partnerpay sends its events to, the webhook secret's rotation and its secret keys
 * (new ones shown once). The tables are the console's own (ui/users, ui/keys) over /portal/v1.
 */
import { Flex, Form, Input, Typography } from 'antd';
import { useSuspenseQuery } from '@tanstack/react-query';
import { useApiMutation } from '../../../api/query';
import { useT } from '../../../i18n';
import { useSurface } from '../../../surfaces/surface';
import { FormDialog } from '../../../ui/actions';
import { KeysPanel } from '../../../ui/keys';
import { Page, Section } from '../../../ui/Page';
import { UsersPanel } from '../../../ui/users';
import { portalKeysQuery, portalUsersQuery, portalWebhookQuery } from './route';

export function PortalShopPage() {
  const t = useT();
  const { principal } = useSurface();
  const canWrite = principal.role === 'owner';
  const users = useSuspenseQuery(portalUsersQuery()).data.data;
  const keys = useSuspenseQuery(portalKeysQuery()).data.data;
  const invite = useApiMutation('post', '/portal/v1/users');
  const role = useApiMutation('patch', '/portal/v1/users/{user_id}', { also: ['/portal/v1/users'] });
  const remove = useApiMutation('delete', '/portal/v1/users/{user_id}', { also: ['/portal/v1/users'] });
  const create = useApiMutation('post', '/portal/v1/secret-keys');
  const revoke = useApiMutation('delete', '/portal/v1/secret-keys/{key_id}', { also: ['/portal/v1/secret-keys'] });
  const rotate = useApiMutation('post', '/portal/v1/webhook-secret/rotate');
  return (
    <Page title={t('portal.shop')}>
      <Section title={t('portal.shop.users')}>
        <UsersPanel
          users={users}
          canWrite={canWrite}
          selfId={principal.id}
          calls={{
            invite: (login, r) => invite.mutateAsync({ body: { login, role: r } }),
            changeRole: async (user_id, r) => (await role.mutateAsync({ params: { path: { user_id } }, body: { role: r } })).user,
            remove: async (user_id) => {
              await remove.mutateAsync({ params: { path: { user_id } } });
            },
          }}
        />
      </Section>
      <Section title={t('portal.shop.webhook')}>
        <Webhook canWrite={canWrite} />
      </Section>
      <Section title={t('portal.shop.keys')}>
        <KeysPanel
          keys={keys}
          canWrite={canWrite}
          calls={{
            create: () => create.mutateAsync({}),
            revoke: async (key_id) => {
              await revoke.mutateAsync({ params: { path: { key_id } } });
            },
            rotateWebhook: (previous_expires_in_seconds) => rotate.mutateAsync({ body: { previous_expires_in_seconds } }),
          }}
        />
      </Section>
    </Page>
  );
}

/** The webhook URL: shown, changed (an empty field removes it: events are then kept, not sent). */
function Webhook({ canWrite }: { canWrite: boolean }) {
  const t = useT();
  const url = useSuspenseQuery(portalWebhookQuery()).data.webhook_url;
  const put = useApiMutation('put', '/portal/v1/webhook');
  return (
    <Flex vertical gap={8} align="start">
      <Typography.Text data-testid="webhook-url">{url ? <code>{url}</code> : t('portal.shop.noWebhook')}</Typography.Text>
      {canWrite && (
        <FormDialog<{ webhook_url?: string }>
          open={t('portal.shop.changeWebhook')}
          title={t('portal.shop.changeWebhook')}
          testId="webhook-change"
          initialValues={{ webhook_url: url ?? '' }}
          submit={async (v) => {
            const next = v.webhook_url?.trim() || null;
            const out = await put.mutateAsync({ body: { webhook_url: next } });
            return out.webhook_url ? t('portal.shop.webhookSaved', { url: out.webhook_url }) : t('portal.shop.webhookRemoved');
          }}
        >
          <Form.Item
            name="webhook_url"
            label="webhook_url"
            htmlFor="webhook-url-input"
            extra={t('portal.shop.webhookHint')}
            rules={[{ type: 'url' }]}
          >
            <Input id="webhook-url-input" placeholder="https://shop.example/partnerpay/webhook" />
          </Form.Item>
        </FormDialog>
      )}
    </Flex>
  );
}
