/**
 * Lists of the API (`{data, next_cursor}`): a table of one page, paged by the API's cursor kept in the
 * URL (`?cursor=`: Back, reload and a shared link keep the page), and a filter form whose values are
 * the route's search params (the API's own query parameters).
 */
import { Button, Flex, Form, Input, Select, Table } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { Link } from '@tanstack/react-router';
import { useT } from '../i18n';

export interface PageOf<T> {
  data?: T[];
  next_cursor?: string | null;
}

export function ListTable<T extends object>({
  page,
  columns,
  rowKey,
  testId,
  busy,
  cursor,
  expandable,
  paged = true,
}: {
  page: PageOf<T>;
  columns: ColumnsType<T>;
  rowKey: string | ((row: T) => string);
  testId?: string;
  busy?: boolean;
  /** The current cursor (undefined on the first page). */
  cursor?: string;
  expandable?: Parameters<typeof Table<T>>[0]['expandable'];
  paged?: boolean;
}) {
  const t = useT();
  return (
    <div data-testid={testId} aria-busy={busy ? 'true' : 'false'}>
      <Table<T>
        size="small"
        rowKey={rowKey}
        loading={busy}
        columns={columns}
        dataSource={page.data}
        pagination={false}
        expandable={expandable}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('common.none') }}
      />
      {paged && (
        <nav aria-label={t('common.pages')}>
          <Flex gap={16} style={{ marginTop: 12 }}>
            {cursor ? (
              <Link to="." search={((prev: Record<string, unknown>) => ({ ...prev, cursor: undefined })) as never}>
                {t('common.first')}
              </Link>
            ) : null}
            {page.next_cursor ? (
              <Link
                to="."
                search={((prev: Record<string, unknown>) => ({ ...prev, cursor: page.next_cursor })) as never}
                data-testid="next-page"
              >
                {t('common.next')}
              </Link>
            ) : null}
          </Flex>
        </nav>
      )}
    </div>
  );
}

export interface FilterField {
  name: string;
  label: string;
  /** A closed set of values: a select. */
  options?: readonly string[];
  /** A Beijing calendar day (yyyy-MM-dd). */
  day?: boolean;
  placeholder?: string;
  width?: number;
}

/** The filter form of a list: submitting it replaces the route's search params (and goes back to the first page). */
export function Filters({
  fields,
  values,
  onSearch,
}: {
  fields: FilterField[];
  values: Record<string, unknown>;
  onSearch: (values: Record<string, string | undefined>) => void;
}) {
  const t = useT();
  const initial = Object.fromEntries(fields.map((f) => [f.name, values[f.name] ?? undefined]));
  return (
    <Form
      key={JSON.stringify(initial)}
      layout="inline"
      role="search"
      initialValues={initial}
      style={{ marginBottom: 16, rowGap: 8 }}
      onFinish={(v: Record<string, string | undefined>) =>
        onSearch(
          Object.fromEntries(
            fields.map((f) => [f.name, typeof v[f.name] === 'string' && v[f.name]!.trim() ? v[f.name]!.trim() : undefined]),
          ),
        )
      }
    >
      {fields.map((f) => (
        <Form.Item key={f.name} name={f.name} label={f.label} htmlFor={`filter-${f.name}`}>
          {f.options ? (
            <Select
              id={`filter-${f.name}`}
              allowClear
              style={{ minWidth: f.width ?? 150 }}
              options={f.options.map((o) => ({ value: o, label: o }))}
            />
          ) : (
            <Input
              id={`filter-${f.name}`}
              type={f.day ? 'date' : 'text'}
              allowClear={!f.day}
              placeholder={f.placeholder}
              style={{ width: f.width }}
            />
          )}
        </Form.Item>
      ))}
      <Form.Item>
        <Flex gap={8}>
          <Button type="primary" htmlType="submit">
            {t('common.search')}
          </Button>
          <Button onClick={() => onSearch(Object.fromEntries(fields.map((f) => [f.name, undefined])))}>{t('common.reset')}</Button>
        </Flex>
      </Form.Item>
    </Form>
  );
}
