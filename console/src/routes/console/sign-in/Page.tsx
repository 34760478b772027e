/** Sign-in with an operator token; the token is checked with GET /admin/v1/operators/me before it is kept. */
import { useEffect, useState } from 'react';
import { Button, Card, Form, Input, Segmented, Typography } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { call } from '../../../api/client';
import { operatorSession } from '../../../api/session';
import { useLang, type Lang } from '../../../i18n';
import { ErrorAlert } from '../../../ui/errors';
import { meQuery } from '../route';
import { signInRoute } from './route';

export function SignInPage() {
  const { t, lang, setLang } = useLang();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const { redirect } = signInRoute.useSearch();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    document.title = `${t('signin.title')} · ${t('app.title')}`;
  }, [t]);
  return (
    <main style={{ display: 'flex', justifyContent: 'center', paddingTop: 120 }}>
      <Card style={{ width: 440 }}>
        <Typography.Title level={1} style={{ fontSize: 24 }}>
          {t('signin.title')}
        </Typography.Title>
        <ErrorAlert error={error} />
        <Form
          layout="vertical"
          onFinish={async ({ token }: { token: string }) => {
            setBusy(true);
            setError(null);
            try {
              const me = await call('get', '/admin/v1/operators/me', { headers: { Authorization: `Bearer ${token.trim()}` } });
              operatorSession.signIn(token.trim());
              qc.setQueryData(meQuery().queryKey, me);
              await navigate({ href: redirect ?? '/console', replace: true });
            } catch (e) {
              setError(e);
            } finally {
              setBusy(false);
            }
          }}
        >
          <Form.Item
            label={t('signin.token')}
            name="token"
            htmlFor="token"
            rules={[{ required: true, message: t('signin.tokenRequired') }]}
            extra={t('signin.hint')}
          >
            <Input.Password id="token" autoComplete="off" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy} block>
            {t('signin.submit')}
          </Button>
        </Form>
        <Segmented
          style={{ marginTop: 16 }}
          aria-label={t('common.language')}
          value={lang}
          onChange={(v) => setLang(v as Lang)}
          options={[
            { value: 'zh', label: '中文' },
            { value: 'en', label: 'EN' },
          ]}
        />
      </Card>
    </main>
  );
}
