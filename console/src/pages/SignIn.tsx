import { useState } from 'react';
import { Button, Card, Form, Input, Typography } from 'antd';
import { api } from '../api';
import { ErrorAlert } from '../components';
import { useT } from '../i18n';
import type { Operator } from '../session';

/** Sign-in with an operator token; the token is checked against GET /admin/v1/operators/me before it is kept. */
export function SignIn({ onSignedIn }: { onSignedIn: (token: string, operator: Operator) => void }) {
  const t = useT();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <main style={{ display: 'flex', justifyContent: 'center', paddingTop: 120 }}>
      <Card style={{ width: 420 }}>
        <Typography.Title level={3}>{t('signin.title')}</Typography.Title>
        <ErrorAlert error={error} />
        <Form
          layout="vertical"
          onFinish={async ({ token }) => {
            setBusy(true);
            setError(null);
            try {
              onSignedIn(token, await api<Operator>('GET', '/admin/v1/operators/me', undefined, token));
            } catch (e) {
              setError(e);
            } finally {
              setBusy(false);
            }
          }}
        >
          <Form.Item label={t('signin.token')} name="token" htmlFor="token" rules={[{ required: true }]} extra={t('signin.hint')}>
            <Input.Password id="token" autoFocus autoComplete="off" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy} block>
            {t('signin.submit')}
          </Button>
        </Form>
      </Card>
    </main>
  );
}
