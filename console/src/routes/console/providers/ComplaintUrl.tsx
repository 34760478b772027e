/**
 * The provider's complaint notification URL at WeChat Pay (消费者投诉通知回调): what WeChat Pay has
 * (404 is "none"), register it (partnerpay's own URL unless another is given), replace it, delete it.
 */
import { Flex, Form, Input, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { ApiError } from '../../../api/errors';
import { apiQuery, useApiMutation } from '../../../api/query';
import { useT } from '../../../i18n';
import { useCan } from '../../../surfaces/surface';
import { Action, FormDialog } from '../../../ui/actions';
import { ErrorAlert } from '../../../ui/errors';

const PATH = '/admin/v1/service-providers/{sp_mchid}/complaint-notifications';

export function ComplaintUrl({ spMchid }: { spMchid: string }) {
  const t = useT();
  const canWrite = useCan();
  const at = { params: { path: { sp_mchid: spMchid } } };
  const current = useQuery(apiQuery(PATH, at));
  const register = useApiMutation('post', PATH);
  const replace = useApiMutation('put', PATH);
  const remove = useApiMutation('delete', PATH);
  const none = current.error instanceof ApiError && current.error.status === 404;
  // After a delete the refetch answers 404 while the query still holds the old data: the 404 wins.
  const url = none ? undefined : current.data?.registration.url;
  const save = async (v: { url?: string }) => {
    const body = v.url?.trim() ? { url: v.url.trim() } : {};
    const out = url ? await replace.mutateAsync({ ...at, body }) : await register.mutateAsync({ ...at, body });
    return t('complaintUrl.saved', { url: out.registration.url });
  };
  return (
    <Flex vertical gap={8}>
      {!none && <ErrorAlert error={current.error} />}
      <Typography.Text data-testid="complaint-url">
        {current.isPending ? t('common.loading') : url ? <code>{url}</code> : none ? t('complaintUrl.none') : null}
      </Typography.Text>
      {canWrite && (current.data || none) && (
        <Flex gap={8}>
          <FormDialog<{ url?: string }>
            open={url ? t('complaintUrl.replace') : t('complaintUrl.register')}
            title={url ? t('complaintUrl.replace') : t('complaintUrl.register')}
            testId="complaint-url-save"
            submit={save}
          >
            <Form.Item name="url" label="url" htmlFor="complaint-url-input" extra={t('complaintUrl.urlHint')} rules={[{ type: 'url' }]}>
              <Input id="complaint-url-input" placeholder="https://…/notify/sp/…/complaints" />
            </Form.Item>
          </FormDialog>
          {url && (
            <Action
              danger
              label={t('common.remove')}
              confirm={t('complaintUrl.removeConfirm', { sp_mchid: spMchid })}
              run={async () => {
                await remove.mutateAsync(at);
                return t('complaintUrl.removed', { sp_mchid: spMchid });
              }}
            />
          )}
        </Flex>
      )}
    </Flex>
  );
}
