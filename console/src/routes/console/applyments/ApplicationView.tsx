/**
 * An application as the API shows it (every personal value masked), section by section; a field WeChat
 * Pay's reviewer rejected is marked with the reason, where it sits.
 */
import { Descriptions, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';

type Json = null | string | number | boolean | Json[] | { [k: string]: Json };

export function ApplicationView({ value, rejected }: { value: Record<string, unknown>; rejected: Map<string, string> }) {
  return (
    <>
      {Object.entries(value as Record<string, Json>).map(([section, v]) => (
        <Descriptions key={section} title={<code>{section}</code>} size="small" bordered column={1} style={{ marginBottom: 16 }}>
          {rows(v, '', rejected)}
        </Descriptions>
      ))}
    </>
  );
}

function rows(v: Json, prefix: string, rejected: Map<string, string>): ReactNode[] {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return [leaf(prefix || 'value', prefix.split('.').pop() ?? '', v, rejected)];
  return Object.entries(v).flatMap(([k, x]) => {
    const path = prefix ? `${prefix}.${k}` : k;
    return x !== null && typeof x === 'object' && !Array.isArray(x) ? rows(x, path, rejected) : [leaf(path, k, x, rejected)];
  });
}

function leaf(path: string, key: string, v: Json, rejected: Map<string, string>): ReactNode {
  const reason = rejected.get(key) ?? rejected.get(path);
  return (
    <Descriptions.Item key={path} label={<code>{path}</code>}>
      <span style={reason ? { color: '#cf1322' } : undefined}>
        {Array.isArray(v) ? v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ') : String(v ?? '')}
      </span>
      {reason && (
        <Typography.Text type="danger" style={{ marginInlineStart: 8 }}>
          <Tag color="red">{reason}</Tag>
        </Typography.Text>
      )}
    </Descriptions.Item>
  );
}
