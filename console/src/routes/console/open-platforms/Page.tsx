/** The ISV's open-platform accounts: how old each one's ticket is, and when its token expires; register one. */
import { Tag } from 'antd';
import { useSuspenseQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { Row } from '../../../api/types';
import { useT } from '../../../i18n';
import { useCan } from '../../../surfaces/surface';
import { ListTable } from '../../../ui/list';
import { Page } from '../../../ui/Page';
import { Time } from '../../../ui/format';
import { TicketAge } from './TicketAge';
import { OpenPlatformForm } from './OpenPlatformForm';
import { openPlatformsQuery } from './route';

type Account = Row<'/admin/v1/open-platforms'>;

export function OpenPlatformsPage() {
  const t = useT();
  const canWrite = useCan();
  const { data, isFetching } = useSuspenseQuery(openPlatformsQuery());
  return (
    <Page title={t('nav.openPlatforms')} extra={canWrite && <OpenPlatformForm />}>
      <ListTable<Account>
        page={data}
        busy={isFetching}
        paged={false}
        rowKey="component_appid"
        testId="open-platforms-table"
        columns={[
          {
            title: 'component_appid',
            dataIndex: 'component_appid',
            render: (v: string) => (
              <Link to="/console/open-platforms/$componentAppid" params={{ componentAppid: v }}>
                {v}
              </Link>
            ),
          },
          { title: t('openPlatforms.name'), dataIndex: 'name' },
          { title: t('openPlatforms.ticketAge'), key: 'ticket', render: (_: unknown, a: Account) => <TicketAge ticket={a.ticket} /> },
          {
            title: t('openPlatforms.tokenExpires'),
            key: 'token',
            render: (_: unknown, a: Account) =>
              a.access_token.present ? <Time value={a.access_token.expires_at} /> : <Tag>{t('openPlatforms.noToken')}</Tag>,
          },
        ]}
      />
    </Page>
  );
}
