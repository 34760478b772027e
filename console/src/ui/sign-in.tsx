/** The frame both sign-in pages share: a card with the title, the last error, the form's fields, one submit button and the language switch. */
import { useEffect, useState, type CSSProperties, type ReactNode } from 'react';
import { Button, Card, Form, Segmented, Typography } from 'antd';
import { useLang, type Lang } from '../i18n';
import { ErrorAlert } from './errors';

/** The 中文 / EN switch (sign-in pages and the shell's header). */
export function LangSwitch({ style }: { style?: CSSProperties }) {
  const { t, lang, setLang } = useLang();
  return (
    <Segmented
      style={style}
      aria-label={t('common.language')}
      value={lang}
      onChange={(v) => setLang(v as Lang)}
      options={[
        { value: 'zh', label: '中文' },
        { value: 'en', label: 'EN' },
      ]}
    />
  );
}

/** A sign-in card: `onSubmit` signs in and navigates; whatever it throws is shown above the fields. */
export function SignInCard<V>({
  title,
  appTitle,
  onSubmit,
  children,
}: {
  title: string;
  appTitle: string;
  onSubmit: (values: V) => Promise<void>;
  children: ReactNode;
}) {
  const { t } = useLang();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    document.title = `${title} · ${appTitle}`;
  }, [title, appTitle]);
  return (
    <main style={{ display: 'flex', justifyContent: 'center', paddingTop: 120 }}>
      <Card style={{ width: 440 }}>
        <Typography.Title level={1} style={{ fontSize: 24 }}>
          {title}
        </Typography.Title>
        <ErrorAlert error={error} />
        <Form
          layout="vertical"
          onFinish={async (values: V) => {
            setBusy(true);
            setError(null);
            try {
              await onSubmit(values);
            } catch (e) {
              setError(e);
            } finally {
              setBusy(false);
            }
          }}
        >
          {children}
          <Button type="primary" htmlType="submit" loading={busy} block>
            {t('signin.submit')}
          </Button>
        </Form>
        <LangSwitch style={{ marginTop: 16 }} />
      </Card>
    </main>
  );
}
