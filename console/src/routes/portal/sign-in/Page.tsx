/** A shop user's sign-in: login, password and, when the account has it on, the authenticator code. */
import { useEffect, useState } from 'react';
import { Button, Card, Form, Input, Segmented, Typography } from 'antd';
import { useNavigate } from '@tanstack/react-router';
import { call } from '../../../api/client';
import { ApiError } from '../../../api/errors';
import { portalCsrf } from '../../../api/portal-session';
import { useLang, type Lang } from '../../../i18n';
import { ErrorAlert } from '../../../ui/errors';
import { portalSignInRoute } from './route';

export function PortalSignInPage() {
  const { t, lang, setLang } = useLang();
  const navigate = useNavigate();
  const { redirect } = portalSignInRoute.useSearch();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [needsCode, setNeedsCode] = useState(false);
  useEffect(() => {
    document.title = `${t('portal.signin.title')} · ${t('portal.title')}`;
  }, [t]);
  return (
    <main style={{ display: 'flex', justifyContent: 'center', paddingTop: 120 }}>
      <Card style={{ width: 440 }}>
        <Typography.Title level={1} style={{ fontSize: 24 }}>
          {t('portal.signin.title')}
        </Typography.Title>
        <ErrorAlert error={error} />
        <Form
          layout="vertical"
          onFinish={async (v: { login: string; password: string; totp?: string }) => {
            setBusy(true);
            setError(null);
            try {
              const s = await call('post', '/portal/v1/session', {
                body: { login: v.login.trim(), password: v.password, ...(v.totp ? { totp: v.totp.trim() } : {}) },
              });
              portalCsrf.set(s.csrf_token as string);
              await navigate({ href: redirect ?? '/portal/orders', replace: true });
            } catch (e) {
              if (e instanceof ApiError && (e.detail as { reason?: string } | undefined)?.reason === 'totp_required') setNeedsCode(true);
              setError(e);
            } finally {
              setBusy(false);
            }
          }}
        >
          <Form.Item label={t('portal.signin.login')} name="login" htmlFor="login" rules={[{ required: true }]}>
            <Input id="login" autoComplete="username" />
          </Form.Item>
          <Form.Item label={t('portal.signin.password')} name="password" htmlFor="password" rules={[{ required: true }]}>
            <Input.Password id="password" autoComplete="current-password" />
          </Form.Item>
          {needsCode && (
            <Form.Item label={t('portal.signin.totp')} name="totp" htmlFor="totp" rules={[{ required: true, pattern: /^\d{6}$/ }]}>
              <Input id="totp" autoComplete="one-time-code" inputMode="numeric" maxLength={6} />
            </Form.Item>
          )}
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
