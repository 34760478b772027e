/** The tenant's portal users through the admin API: invite, remove (the table is shared with the portal's owner page). */
import { useQuery } from '@tanstack/react-query';
import { apiQuery, useApiMutation } from '../../../../api/query';
import { useCan } from '../../../../surfaces/surface';
import { ErrorAlert } from '../../../../ui/errors';
import { Pending } from '../../../../ui/Page';
import { UsersPanel } from '../../../../ui/users';

export function UsersTab({ id }: { id: string }) {
  const canWrite = useCan();
  const users = useQuery(apiQuery('/admin/v1/tenants/{id}/users', { params: { path: { id } } }));
  const invite = useApiMutation('post', '/admin/v1/tenants/{id}/users');
  const remove = useApiMutation('delete', '/admin/v1/tenants/{id}/users/{user_id}', { also: ['/admin/v1/tenants/{id}/users'] });
  if (users.isPending) return <Pending />;
  if (users.error) return <ErrorAlert error={users.error} />;
  return (
    <UsersPanel
      users={users.data.data}
      canWrite={canWrite}
      calls={{
        invite: (login, role) => invite.mutateAsync({ params: { path: { id } }, body: { login, role } }),
        remove: async (user_id) => {
          await remove.mutateAsync({ params: { path: { id, user_id } } });
        },
      }}
    />
  );
}
