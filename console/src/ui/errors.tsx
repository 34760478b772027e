/** Errors as the API gave them: code, message, request id (what support asks for), the fields a PARAM_ERROR names. */
import { Alert, Button, Space } from 'antd';
import { useQueryErrorResetBoundary } from '@tanstack/react-query';
import { useRouter, type ErrorComponentProps } from '@tanstack/react-router';
import { ApiError } from '../api/errors';
import { useT } from '../i18n';

export function ErrorAlert({ error }: { error: unknown }) {
  const t = useT();
  if (!error) return null;
  const e = error instanceof ApiError ? error : null;
  const title = e
    ? e.status === 403
      ? `${t('error.forbidden')} (${e.code}: ${e.message})`
      : `${e.code}: ${e.message}`
    : String((error as Error)?.message ?? error);
  const issues = e?.fieldIssues ?? [];
  return (
    <Alert
      type="error"
      role="alert"
      showIcon
      title={title}
      description={
        e?.requestId || issues.length ? (
          <>
            {issues.length > 0 && (
              <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                {issues.map((i) => (
                  <li key={i}>{i}</li>
                ))}
              </ul>
            )}
            {e?.requestId && (
              <div>
                {t('error.requestId')}: <code data-testid="request-id">{e.requestId}</code>
              </div>
            )}
          </>
        ) : undefined
      }
      style={{ marginBottom: 16 }}
    />
  );
}

/** A route's error boundary: the API's message and request id, and a retry that refetches the route's queries. */
export function RouteError({ error, reset }: ErrorComponentProps) {
  const t = useT();
  const router = useRouter();
  const queryReset = useQueryErrorResetBoundary();
  return (
    <section>
      <ErrorAlert error={error} />
      <Space>
        <Button
          onClick={() => {
            queryReset.reset();
            reset();
            void router.invalidate();
          }}
        >
          {t('common.retry')}
        </Button>
      </Space>
    </section>
  );
}
