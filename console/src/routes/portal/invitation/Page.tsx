/** Accepting an invitation: the user chooses a password (the rule is stated), then signs in. */
import { useEffect, useState } from 'react';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { Link } from '@tanstack/react-router';
import { call } from '../../../api/client';
import { useT } from '../../../i18n';
import { ErrorAlert } from '../../../ui/errors';

export function InvitationPage() {
  const t = useT();
  const token = typeof window === 'undefined' ? '' : window.location.hash.replace(/^#/, '');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [login, setLogin] = useState<string | null>(null);
  useEffect(() => {
    document.title = `${t('portal.invitation.title')} · ${t('portal.title')}`;
  }, [t]);
  return (
    <main style={{ display: 'flex', justifyContent: 'center', paddingTop: 120 }}>
      <Card style={{ width: 480 }}>
        <Typography.Title level={1} style={{ fontSize: 24 }}>
          {t('portal.invitation.title')}
        </Typography.Title>
        <ErrorAlert error={error} />
        {login ? (
          <Alert
            type="success"
            showIcon
            title={t('portal.invitation.done', { login })}
            description={<Link to="/portal/sign-in">{t('portal.signin.title')}</Link>}
          />
        ) : (
          <Form
            layout="vertical"
            onFinish={async (v: { password: string }) => {
              setBusy(true);
              setError(null);
              try {
                const r = await call('post', '/portal/v1/invitations/accept', { body: { token, password: v.password } });
                setLogin(String(r.user.login));
              } catch (e) {
                setError(e);
              } finally {
                setBusy(false);
              }
            }}
          >
            <Form.Item
              label={t('portal.invitation.password')}
              name="password"
              htmlFor="new-password"
              rules={[{ required: true }]}
              extra={t('portal.invitation.rule')}
            >
              <Input.Password id="new-password" autoComplete="new-password" />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={busy} block disabled={!token}>
              {t('portal.invitation.submit')}
            </Button>
          </Form>
        )}
      </Card>
    </main>
  );
}
