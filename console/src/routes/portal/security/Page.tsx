/**
 * The signed-in user's own sign-in security: two-step sign-in with an authenticator app (TOTP). Start
 * it (a new secret, shown as a QR code to scan and as text), then confirm with the first code; until
 * confirmed, sign-in does not ask for a code. Every role may do it for itself.
 */
import { useState } from 'react';
import { Alert, Button, Descriptions, Flex, Form, Input, Tag, Typography } from 'antd';
import { QRCodeSVG } from 'qrcode.react';
import { useQuery } from '@tanstack/react-query';
import { useApiMutation } from '../../../api/query';
import { useT } from '../../../i18n';
import { ErrorAlert } from '../../../ui/errors';
import { useFeedback } from '../../../ui/feedback';
import { Page, Section } from '../../../ui/Page';
import { portalSessionQuery } from '../route';

interface Enrolment {
  secret: string;
  otpauth_uri: string;
}

export function PortalSecurityPage() {
  const t = useT();
  const feedback = useFeedback();
  const session = useQuery(portalSessionQuery());
  const begin = useApiMutation('post', '/portal/v1/totp');
  const confirm = useApiMutation('post', '/portal/v1/totp/confirm', { also: ['/portal/v1/session'] });
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [done, setDone] = useState(false);
  const user = session.data?.user as { login: string; totp: boolean } | undefined;
  const on = done || user?.totp === true;
  return (
    <Page title={t('portal.security')}>
      <Descriptions size="small" bordered column={1}>
        <Descriptions.Item label={t('portal.signin.login')}>{user?.login}</Descriptions.Item>
        <Descriptions.Item label={t('portal.totp')}>
          <Tag color={on ? 'green' : 'default'} data-testid="totp-state">
            {on ? t('portal.totp.on') : t('portal.totp.off')}
          </Tag>
        </Descriptions.Item>
      </Descriptions>
      {!on && (
        <Section title={t('portal.totp.setup')}>
          {!enrolment ? (
            <Flex vertical gap={8} align="start">
              <Typography.Paragraph>{t('portal.totp.intro')}</Typography.Paragraph>
              <ErrorAlert error={begin.error} />
              <Button
                type="primary"
                loading={begin.isPending}
                data-testid="totp-begin"
                onClick={() => begin.mutate({}, { onSuccess: (out) => setEnrolment(out as unknown as Enrolment) })}
              >
                {t('portal.totp.begin')}
              </Button>
            </Flex>
          ) : (
            <Flex vertical gap={12} align="start">
              <Typography.Paragraph>{t('portal.totp.scan')}</Typography.Paragraph>
              <QRCodeSVG value={enrolment.otpauth_uri} size={180} title={t('portal.totp.qr')} />
              <Typography.Paragraph copyable={{ text: enrolment.secret }}>
                {t('portal.totp.secret')}: <code data-testid="totp-secret">{enrolment.secret}</code>
              </Typography.Paragraph>
              <ErrorAlert error={confirm.error} />
              <Form<{ code: string }>
                layout="inline"
                onFinish={(v) =>
                  confirm.mutate(
                    { body: { code: v.code.trim() } },
                    {
                      onSuccess: () => {
                        setDone(true);
                        setEnrolment(null);
                        feedback.success(t('portal.totp.confirmed'));
                      },
                    },
                  )
                }
              >
                <Form.Item
                  name="code"
                  label={t('portal.signin.totp')}
                  htmlFor="totp-code"
                  rules={[{ required: true, pattern: /^\d{6}$/, message: t('portal.totp.codeRule') }]}
                >
                  <Input id="totp-code" inputMode="numeric" autoComplete="one-time-code" maxLength={6} style={{ width: 120 }} />
                </Form.Item>
                <Button htmlType="submit" type="primary" loading={confirm.isPending} data-testid="totp-confirm">
                  {t('portal.totp.confirm')}
                </Button>
              </Form>
            </Flex>
          )}
        </Section>
      )}
      {on && <Alert style={{ marginTop: 16 }} type="success" showIcon title={t('portal.totp.onHint')} />}
    </Page>
  );
}
