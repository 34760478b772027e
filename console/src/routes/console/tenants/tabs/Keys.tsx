/** Secret keys and the webhook secret's rotation of one tenant, through the admin API (the table is shared with the portal's owner page). */
import { useSuspenseQuery } from '@tanstack/react-query';
import { useApiMutation } from '../../../../api/query';
import { useCan } from '../../../../surfaces/surface';
import { KeysPanel } from '../../../../ui/keys';
import { secretKeysQuery } from '../route';

export function KeysTab({ id }: { id: string }) {
  const canWrite = useCan();
  const keys = useSuspenseQuery(secretKeysQuery(id)).data.data;
  const create = useApiMutation('post', '/admin/v1/tenants/{id}/secret-keys');
  const revoke = useApiMutation('delete', '/admin/v1/tenants/{id}/secret-keys/{key_id}', { also: ['/admin/v1/tenants/{id}/secret-keys'] });
  const rotate = useApiMutation('post', '/admin/v1/tenants/{id}/webhook-secret/rotate');
  const path = { params: { path: { id } } };
  return (
    <KeysPanel
      keys={keys}
      canWrite={canWrite}
      calls={{
        create: () => create.mutateAsync(path),
        revoke: async (key_id) => {
          await revoke.mutateAsync({ params: { path: { id, key_id } } });
        },
        rotateWebhook: (previous_expires_in_seconds) => rotate.mutateAsync({ ...path, body: { previous_expires_in_seconds } }),
      }}
    />
  );
}
