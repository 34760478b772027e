/** Shared pieces: API error alerts, a cursor-paged table with filters, JSON detail. */
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { Alert, Button, Form, Input, Select, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { api, ApiError, qs } from './api';
import { useT } from './i18n';

/** Shows an API error with its code, message and request id (what support asks for). */
export function ErrorAlert({ error }: { error: unknown }) {
  const t = useT();
  if (!error) return null;
  const e = error instanceof ApiError ? error : null;
  return (
    <Alert
      type="error"
      role="alert"
      showIcon
      message={e ? `${e.code}: ${e.message}` : String((error as Error)?.message ?? error)}
      description={e?.requestId ? `${t('error.requestId')}: ${e.requestId}` : undefined}
      style={{ marginBottom: 16 }}
    />
  );
}

export interface Filter {
  name: string;
  label: string;
  options?: string[];
}

/**
 * A list of the API (`{data, next_cursor}`), paged by the API's cursors, sortable within the page,
 * filtered by the API's own query parameters. Rows are keyboard-reachable (Enter opens a row).
 */
export function PagedTable<T extends Record<string, any>>(props: {
  path: string;
  columns: ColumnsType<T>;
  filters?: Filter[];
  fixed?: Record<string, string | undefined>;
  rowKey?: string;
  onOpen?: (row: T) => void;
  reloadKey?: number;
  testId?: string;
}) {
  const t = useT();
  const [filters, setFilters] = useState<Record<string, string>>({});
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [page, setPage] = useState<{ data: T[]; next_cursor: string | null } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const cursor = cursors[cursors.length - 1];

  const load = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      setPage(await api('GET', `${props.path}${qs({ limit: 20, ...props.fixed, ...filters, cursor: cursor ?? undefined })}`));
    } catch (e) {
      setError(e);
      setPage(null);
    } finally {
      setLoading(false);
    }
  }, [props.path, JSON.stringify(props.fixed), JSON.stringify(filters), cursor, props.reloadKey]);

  useEffect(() => {
    void load();
  }, [load]);

  const columns = props.columns.map((c: any) =>
    c.sorter === undefined && c.dataIndex ? { ...c, sorter: (a: T, b: T) => compare(a[c.dataIndex], b[c.dataIndex]) } : c,
  );

  return (
    <div data-testid={props.testId}>
      {props.filters?.length ? (
        <Form
          layout="inline"
          style={{ marginBottom: 16 }}
          onFinish={(v) => {
            setFilters(Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined && x !== '')) as Record<string, string>);
            setCursors([null]);
          }}
        >
          {props.filters.map((f) => (
            <Form.Item key={f.name} name={f.name} label={f.label} htmlFor={`filter-${f.name}`}>
              {f.options ? (
                <Select
                  id={`filter-${f.name}`}
                  allowClear
                  style={{ minWidth: 140 }}
                  options={f.options.map((o) => ({ value: o, label: o }))}
                />
              ) : (
                <Input id={`filter-${f.name}`} allowClear />
              )}
            </Form.Item>
          ))}
          <Form.Item>
            <Button type="primary" htmlType="submit">
              {t('common.search')}
            </Button>
          </Form.Item>
        </Form>
      ) : null}
      <ErrorAlert error={error} />
      <Table<T>
        size="small"
        rowKey={props.rowKey ?? 'id'}
        loading={loading}
        columns={columns}
        dataSource={page?.data ?? []}
        pagination={false}
        locale={{ emptyText: t('common.none') }}
        onRow={(row) => ({
          tabIndex: 0,
          onKeyDown: (e) => {
            if (e.key === 'Enter') props.onOpen?.(row);
          },
          onDoubleClick: () => props.onOpen?.(row),
        })}
      />
      <Space style={{ marginTop: 12 }}>
        <Button disabled={cursors.length === 1} onClick={() => setCursors([null])}>
          {t('common.first')}
        </Button>
        <Button disabled={!page?.next_cursor} onClick={() => setCursors([...cursors, page!.next_cursor])}>
          {t('common.next')}
        </Button>
        <Button onClick={() => void load()}>{t('common.refresh')}</Button>
      </Space>
    </div>
  );
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a ?? '').localeCompare(String(b ?? ''));
}

/** A value as pretty JSON (for details the API answers). */
export function Json({ value }: { value: unknown }) {
  return (
    <pre style={{ background: '#f6f8fa', color: '#1f2328', padding: 12, borderRadius: 6, overflow: 'auto', maxHeight: 480 }}>
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}

/** A page heading. */
export function Heading({ children, extra }: { children: ReactNode; extra?: ReactNode }) {
  return (
    <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {children}
      </Typography.Title>
      {extra}
    </Space>
  );
}

/** Shows a secret once, with a copy button, and the warning that it will not be shown again. */
export function SecretOnce({ label, value, warning }: { label: string; value: string; warning: string }) {
  return (
    <Alert
      type="warning"
      showIcon
      message={warning}
      description={
        <Typography.Paragraph copyable={{ text: value }} style={{ margin: 0 }}>
          {label}: <code data-testid="secret-once">{value}</code>
        </Typography.Paragraph>
      }
      style={{ marginBottom: 16 }}
    />
  );
}
