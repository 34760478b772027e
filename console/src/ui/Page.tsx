/** A page: its heading (an h1), which also names the browser tab (`document.title`). */
import { useEffect, type ReactNode } from 'react';
import { Flex, Spin, Typography } from 'antd';
import { useT } from '../i18n';

export function Page({ title, extra, children, tag }: { title: string; extra?: ReactNode; tag?: ReactNode; children: ReactNode }) {
  const t = useT();
  useEffect(() => {
    document.title = `${title} · ${t('app.title')}`;
  }, [title, t]);
  return (
    <>
      <Flex justify="space-between" align="center" gap={16} wrap style={{ marginBottom: 16 }}>
        <Typography.Title level={1} style={{ margin: 0, fontSize: 24 }}>
          {title} {tag}
        </Typography.Title>
        {extra}
      </Flex>
      {children}
    </>
  );
}

/** What a route shows while its data loads (announced as busy to assistive technology). */
export function Pending() {
  const t = useT();
  return (
    <div aria-busy="true" aria-live="polite" style={{ padding: 48, textAlign: 'center' }}>
      <Spin />
      <div style={{ marginTop: 8 }}>{t('common.loading')}</div>
    </div>
  );
}

/** A section heading inside a page. */
export function Section({ title, extra, children }: { title: string; extra?: ReactNode; children: ReactNode }) {
  return (
    <section style={{ marginTop: 24 }}>
      <Flex justify="space-between" align="center" gap={16} wrap style={{ marginBottom: 8 }}>
        <Typography.Title level={2} style={{ margin: 0, fontSize: 18 }}>
          {title}
        </Typography.Title>
        {extra}
      </Flex>
      {children}
    </section>
  );
}
