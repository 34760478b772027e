/** A shop user's sign-in: login, password and, when the account has it on, the authenticator code. */
import { useState } from 'react';
import { Form, Input } from 'antd';
import { useNavigate } from '@tanstack/react-router';
import { call } from '../../../api/client';
import { ApiError } from '../../../api/errors';
import { portalCsrf } from '../../../api/portal-session';
import { useT } from '../../../i18n';
import { SignInCard } from '../../../ui/sign-in';
import { portalSignInRoute } from './route';

export function PortalSignInPage() {
  const t = useT();
  const navigate = useNavigate();
  const { redirect } = portalSignInRoute.useSearch();
  const [needsCode, setNeedsCode] = useState(false);
  return (
    <SignInCard<{ login: string; password: string; totp?: string }>
      title={t('portal.signin.title')}
      appTitle={t('portal.title')}
      onSubmit={async (v) => {
        try {
          const s = await call('post', '/portal/v1/session', {
            body: { login: v.login.trim(), password: v.password, ...(v.totp ? { totp: v.totp.trim() } : {}) },
          });
          portalCsrf.set(s.csrf_token as string);
          await navigate({ href: redirect ?? '/portal/orders', replace: true });
        } catch (e) {
          // The server asks for the code only after the password was right: show the field, then the message.
          if (e instanceof ApiError && (e.detail as { reason?: string } | undefined)?.reason === 'totp_required') setNeedsCode(true);
          throw e;
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
    </SignInCard>
  );
}
