/** The root of every surface: the QueryClient in the router's context, the theme and locale, not-found. */
import { ConfigProvider, Result } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import { createRootRouteWithContext, createRoute, Link, Outlet, redirect } from '@tanstack/react-router';
import type { QueryClient } from '@tanstack/react-query';
import { useLang } from '../i18n';
import { RouteError } from '../ui/errors';

export interface RouterContext {
  queryClient: QueryClient;
}

/** Honours the system's "reduce motion" setting: antd's popups, dialogs and selects then appear without animating. */
const reducedMotion = typeof window !== 'undefined' && window.matchMedia?.('(prefers-reduced-motion: reduce)').matches === true;

function Root() {
  const { lang } = useLang();
  return (
    <ConfigProvider
      locale={lang === 'zh' ? zhCN : enUS}
      theme={{
        token: { colorPrimary: '#05793c', colorText: '#1f1f1f', motion: !reducedMotion },
        components: { Menu: { itemSelectedBg: '#e3f1e7', itemSelectedColor: '#05793c' } },
      }}
    >
      <Outlet />
    </ConfigProvider>
  );
}

function NotFound() {
  const { t } = useLang();
  return (
    <main>
      <Result status="404" title={t('error.notFound')} extra={<Link to="/console">{t('nav.dashboard')}</Link>} />
    </main>
  );
}

export const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: Root,
  notFoundComponent: NotFound,
  errorComponent: RouteError,
});

/** `/`: the app is served under its surfaces; the console is the default. */
export const indexRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/',
  beforeLoad: () => {
    throw redirect({ to: '/console' });
  },
});
