/** The frame of a surface: its nav (built from its routes' metadata), who is signed in, the language, and the page. */
import type { ReactNode } from 'react';
import { Button, Flex, Layout, Menu, Tag, Typography } from 'antd';
import { Link, useRouter, useRouterState } from '@tanstack/react-router';
import { useLang } from '../i18n';
import { FeedbackProvider } from '../ui/feedback';
import { LangSwitch } from '../ui/sign-in';
import { SurfaceContext, type SurfaceState } from './surface';

interface NavItem {
  to: string;
  label: string;
  order: number;
}

/** The surface's pages that the principal may see and the API serves, from each route's `staticData.nav`. */
function useNav(state: SurfaceState): NavItem[] {
  const router = useRouter();
  const { t } = useLang();
  const routes = Object.values(
    router.routesById as Record<string, { fullPath: string; options: { staticData?: { nav?: import('./surface').NavEntry } } }>,
  );
  return routes
    .filter((r) => r.fullPath.startsWith(`${state.surface.basePath}`))
    .flatMap((r) => {
      const nav = r.options.staticData?.nav;
      if (!nav) return [];
      if (nav.api && !state.served.has(nav.api)) return [];
      if (nav.roles && !nav.roles.includes(state.principal.role)) return [];
      return [{ to: r.fullPath.replace(/\/$/, '') || '/', label: t(nav.label), order: nav.order }];
    })
    .sort((a, b) => a.order - b.order);
}

export function Shell({ state, children }: { state: SurfaceState; children: ReactNode }) {
  const { t } = useLang();
  const nav = useNav(state);
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  const loading = useRouterState({ select: (s) => s.status === 'pending' });
  const selected = nav.filter((n) => pathname === n.to || pathname.startsWith(`${n.to}/`)).sort((a, b) => b.to.length - a.to.length)[0]?.to;
  const { surface, principal } = state;
  return (
    <SurfaceContext.Provider value={state}>
      <Layout hasSider style={{ minHeight: '100vh' }}>
        <Layout.Sider width={210} theme="light" style={{ borderRight: '1px solid #eee', minHeight: '100vh' }}>
          <Typography.Text strong style={{ display: 'block', padding: '18px 24px 8px', fontSize: 16 }}>
            {t(surface.title)}
          </Typography.Text>
          <nav aria-label={t('nav.label')}>
            <Menu
              mode="inline"
              style={{ borderInlineEnd: 'none' }}
              selectedKeys={selected ? [selected] : []}
              items={nav.map((n) => ({ key: n.to, label: <Link to={n.to}>{n.label}</Link> }))}
            />
          </nav>
        </Layout.Sider>
        <Layout>
          <Layout.Header style={{ background: '#fff', borderBottom: '1px solid #eee', paddingInline: 24 }}>
            <Flex justify="flex-end" align="center" gap={12} style={{ height: '100%' }}>
              <Typography.Text type="secondary">{t('common.timesInBeijing')}</Typography.Text>
              <span data-testid="operator">{principal.name}</span>
              <Tag color={surface.can(principal, 'write') ? 'gold' : 'default'}>{t(surface.roleLabel(principal.role))}</Tag>
              <LangSwitch />
              <Button onClick={() => surface.signOut()}>{t('signout')}</Button>
            </Flex>
          </Layout.Header>
          <Layout.Content style={{ padding: 24 }}>
            <main aria-busy={loading ? 'true' : 'false'}>
              <FeedbackProvider>{children}</FeedbackProvider>
            </main>
          </Layout.Content>
        </Layout>
      </Layout>
    </SurfaceContext.Provider>
  );
}
