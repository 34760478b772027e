/**
 * One open platform: its ticket and token, every authorisation (per tenant), and the authorisation
 * link for a tenant, as a QR code the shop owner scans (it opens partnerpay's landing page, whose
 * click WeChat requires before its own authorisation page).
 */
import { useState } from 'react';
import { Descriptions, Flex, Form, Input, Table, Tag, Typography } from 'antd';
import { QRCodeSVG } from 'qrcode.react';
import { useSuspenseQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useApiMutation } from '../../../api/query';
import type { Data } from '../../../api/types';
import { useT } from '../../../i18n';
import { useCan } from '../../../surfaces/surface';
import { FormDialog } from '../../../ui/actions';
import { Page, Section } from '../../../ui/Page';
import { Time } from '../../../ui/format';
import { TicketAge } from './TicketAge';
import { OpenPlatformForm } from './OpenPlatformForm';
import { openPlatformQuery, openPlatformRoute } from './route';

type Account = Data<'/admin/v1/open-platforms/{component_appid}'>;
type Authorization = Account['authorizations'][number];
type LinkAnswer = Data<'/admin/v1/open-platforms/{component_appid}/authorizations', 'post'>;

export function OpenPlatformDetail() {
  const t = useT();
  const canWrite = useCan();
  const { componentAppid } = openPlatformRoute.useParams();
  const a: Account = useSuspenseQuery(openPlatformQuery(componentAppid)).data;
  const [link, setLink] = useState<LinkAnswer | null>(null);
  const create = useApiMutation('post', '/admin/v1/open-platforms/{component_appid}/authorizations');
  return (
    <Page
      title={`${t('nav.openPlatforms')} ${a.name}`}
      extra={
        canWrite && (
          <Flex gap={8}>
            <OpenPlatformForm componentAppid={componentAppid} name={a.name} />
            <FormDialog<{ tenant_id: string }>
              open={t('openPlatforms.link')}
              buttonType="primary"
              title={t('openPlatforms.link')}
              okText={t('common.create')}
              testId="open-platform-link"
              submit={async (v) => {
                const made = (await create.mutateAsync({ params: { path: { component_appid: componentAppid } }, body: v })) as LinkAnswer;
                setLink(made);
                return t('openPlatforms.linkMade', { tenant: v.tenant_id });
              }}
            >
              <Form.Item name="tenant_id" label="tenant_id" htmlFor="op-tenant" rules={[{ required: true }]}>
                <Input id="op-tenant" placeholder="ten_..." />
              </Form.Item>
            </FormDialog>
          </Flex>
        )
      }
    >
      {link && (
        <Section title={t('openPlatforms.link')}>
          <QRCodeSVG value={link.url} size={180} title="authorisation link" />
          <Typography.Paragraph copyable={{ text: link.url }} style={{ marginTop: 8 }}>
            {link.url}
          </Typography.Paragraph>
          <Typography.Text type="secondary">
            {t('openPlatforms.linkExpires')} <Time value={link.expires_at} />
          </Typography.Text>
        </Section>
      )}
      <Descriptions size="small" bordered column={{ xs: 1, lg: 2 }}>
        <Descriptions.Item label="component_appid">{a.component_appid}</Descriptions.Item>
        <Descriptions.Item label={t('openPlatforms.eventsUrl')}>
          <Typography.Text copyable>{a.events_url}</Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('openPlatforms.ticketAge')}>
          <TicketAge ticket={a.ticket} /> <Time value={a.ticket.received_at} />
        </Descriptions.Item>
        <Descriptions.Item label={t('openPlatforms.tokenExpires')}>
          {a.access_token.present ? <Time value={a.access_token.expires_at} /> : <Tag>{t('openPlatforms.noToken')}</Tag>}
          {a.access_token.last_error && <Tag color="red">{a.access_token.last_error}</Tag>}
        </Descriptions.Item>
      </Descriptions>
      <Section title={t('openPlatforms.authorizations')}>
        <Table<Authorization>
          size="small"
          rowKey="authorizer_appid"
          dataSource={a.authorizations}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          data-testid="authorizations-table"
          columns={[
            { title: 'authorizer_appid', dataIndex: 'authorizer_appid' },
            {
              title: 'tenant_id',
              dataIndex: 'tenant_id',
              render: (v: string | null) =>
                v ? (
                  <Link to="/console/tenants/$id" params={{ id: v }}>
                    {v}
                  </Link>
                ) : (
                  <Tag>{t('openPlatforms.unbound')}</Tag>
                ),
            },
            {
              title: t('openPlatforms.state'),
              dataIndex: 'state',
              render: (v: string) => (
                <Tag color={v === 'authorized' ? 'green' : 'red'}>
                  {t(v === 'authorized' ? 'openPlatforms.authorized' : 'openPlatforms.unauthorized')}
                </Tag>
              ),
            },
            { title: 'func_info', dataIndex: 'func_info', render: (v: number[]) => v.join(', ') },
            { title: t('common.updatedAt'), dataIndex: 'updated_at', render: (v: string) => <Time value={v} /> },
          ]}
        />
      </Section>
    </Page>
  );
}
