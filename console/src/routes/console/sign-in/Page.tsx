/** Sign-in with an operator token; the token is checked with GET /admin/v1/operators/me before it is kept. */
import { Form, Input } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { call } from '../../../api/client';
import { operatorSession } from '../../../api/session';
import { useT } from '../../../i18n';
import { SignInCard } from '../../../ui/sign-in';
import { meQuery } from '../route';
import { signInRoute } from './route';

export function SignInPage() {
  const t = useT();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const { redirect } = signInRoute.useSearch();
  return (
    <SignInCard<{ token: string }>
      title={t('signin.title')}
      appTitle={t('app.title')}
      onSubmit={async ({ token }) => {
        const me = await call('get', '/admin/v1/operators/me', { headers: { Authorization: `Bearer ${token.trim()}` } });
        operatorSession.signIn(token.trim());
        qc.setQueryData(meQuery().queryKey, me);
        await navigate({ href: redirect ?? '/console', replace: true });
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
    </SignInCard>
  );
}
