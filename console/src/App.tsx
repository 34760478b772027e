import { useEffect, useState } from 'react';
import { Button, ConfigProvider, Layout, Menu, Segmented, Space, Tag, Typography } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import { api, apiPaths, session } from './api';
import { LangContext, useT, type Lang } from './i18n';
import { SessionContext, type Operator } from './session';
import { SignIn } from './pages/SignIn';
import { Dashboard } from './pages/Dashboard';
import { TenantDetail, Tenants } from './pages/Tenants';
import {
  Applyments,
  AuditLog,
  Events,
  Notifications,
  Operators,
  Orders,
  ProfitSharing,
  Reconciliations,
  Refunds,
  ServiceProviders,
} from './pages/Lists';

/** A console page: its hash route, label, and the API path that must exist for it to be shown. */
const PAGES = [
  { key: 'dashboard', label: 'nav.dashboard', api: '/admin/v1/dashboard' },
  { key: 'providers', label: 'nav.providers', api: '/admin/v1/service-providers' },
  { key: 'tenants', label: 'nav.tenants', api: '/admin/v1/tenants' },
  { key: 'applyments', label: 'nav.applyments', api: '/admin/v1/applyments' },
  { key: 'orders', label: 'nav.orders', api: '/admin/v1/orders' },
  { key: 'refunds', label: 'nav.refunds', api: '/admin/v1/refunds' },
  { key: 'notifications', label: 'nav.notifications', api: '/admin/v1/notifications' },
  { key: 'events', label: 'nav.events', api: '/admin/v1/events' },
  { key: 'reconciliations', label: 'nav.reconciliations', api: '/admin/v1/reconciliations' },
  { key: 'profit-sharing', label: 'nav.profitSharing', api: '/admin/v1/tenants/{id}/receivers' },
  { key: 'audit', label: 'nav.audit', api: '/admin/v1/audit-log' },
  { key: 'operators', label: 'nav.operators', api: '/admin/v1/operators' },
] as const;

function useHash(): [string[], (path: string) => void] {
  const read = () => (location.hash.replace(/^#\/?/, '') || 'dashboard').split('/');
  const [parts, setParts] = useState(read);
  useEffect(() => {
    const on = () => setParts(read());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return [parts, (path) => (location.hash = `#/${path}`)];
}

function Shell({ operator, paths, lang, setLang }: { operator: Operator; paths: Set<string>; lang: Lang; setLang: (l: Lang) => void }) {
  const t = useT();
  const [[page, arg], go] = useHash();
  const visible = PAGES.filter((p) => paths.has(p.api));
  const body = (() => {
    switch (page) {
      case 'providers':
        return <ServiceProviders />;
      case 'tenants':
        return arg ? <TenantDetail id={arg} /> : <Tenants open={(id) => go(`tenants/${id}`)} />;
      case 'applyments':
        return <Applyments />;
      case 'orders':
        return <Orders />;
      case 'refunds':
        return <Refunds />;
      case 'notifications':
        return <Notifications />;
      case 'events':
        return <Events />;
      case 'reconciliations':
        return <Reconciliations />;
      case 'profit-sharing':
        return <ProfitSharing />;
      case 'audit':
        return <AuditLog />;
      case 'operators':
        return <Operators />;
      default:
        return <Dashboard openTenant={(id) => go(`tenants/${id}`)} />;
    }
  })();
  return (
    <SessionContext.Provider value={{ operator, paths }}>
      <Layout style={{ minHeight: '100vh' }}>
        <Layout.Sider width={200} theme="light" style={{ borderRight: '1px solid #eee' }}>
          <Typography.Title level={5} style={{ padding: '16px 16px 0' }}>
            partnerpay
          </Typography.Title>
          <nav aria-label="main">
            <Menu
              mode="inline"
              selectedKeys={[page]}
              items={visible.map((p) => ({ key: p.key, label: <a href={`#/${p.key}`}>{t(p.label)}</a> }))}
            />
          </nav>
        </Layout.Sider>
        <Layout>
          <Layout.Header style={{ background: '#fff', borderBottom: '1px solid #eee', display: 'flex', justifyContent: 'flex-end' }}>
            <Space>
              <span data-testid="operator">{operator.name}</span>
              <Tag color={operator.role === 'admin' ? 'gold' : 'default'}>{t(`role.${operator.role}`)}</Tag>
              <Segmented
                aria-label="language"
                value={lang}
                onChange={(v) => setLang(v as Lang)}
                options={[
                  { value: 'zh', label: '中文' },
                  { value: 'en', label: 'EN' },
                ]}
              />
              <Button onClick={() => session.signOut()}>{t('signout')}</Button>
            </Space>
          </Layout.Header>
          <Layout.Content style={{ padding: 24 }}>
            <main>{body}</main>
          </Layout.Content>
        </Layout>
      </Layout>
    </SessionContext.Provider>
  );
}

/** The console: sign-in, then the shell; a 401 anywhere returns to sign-in. */
export function App() {
  const [lang, setLang] = useState<Lang>((localStorage.getItem('partnerpay.lang') as Lang) || 'zh');
  const [operator, setOperator] = useState<Operator | null>(null);
  const [paths, setPaths] = useState<Set<string> | null>(null);
  const [checking, setChecking] = useState(!!session.token());

  useEffect(() => session.onSignedOut(() => setOperator(null)) as unknown as void, []);
  useEffect(() => {
    apiPaths().then(setPaths, () => setPaths(new Set()));
    if (session.token())
      api<Operator>('GET', '/admin/v1/operators/me')
        .then(setOperator, () => session.signOut())
        .finally(() => setChecking(false));
  }, []);
  const changeLang = (l: Lang) => {
    localStorage.setItem('partnerpay.lang', l);
    setLang(l);
  };
  return (
    <LangContext.Provider value={{ lang, setLang: changeLang }}>
      <ConfigProvider locale={lang === 'zh' ? zhCN : enUS} theme={{ token: { colorPrimary: '#05793c', colorText: '#1f1f1f' } }}>
        {checking || !paths ? null : operator ? (
          <Shell operator={operator} paths={paths} lang={lang} setLang={changeLang} />
        ) : (
          <SignIn
            onSignedIn={(token, op) => {
              session.signIn(token);
              setOperator(op);
            }}
          />
        )}
      </ConfigProvider>
    </LangContext.Provider>
  );
}
