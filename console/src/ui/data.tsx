/** Showing API objects: a JSON block for payloads shown as sent, and secrets shown once. */
import { Alert, Typography } from 'antd';

/** A payload exactly as the API or WeChat Pay sent it (event bodies, notification details). */
export function Json({ value, label }: { value: unknown; label?: string }) {
  return (
    <pre
      aria-label={label}
      style={{ background: '#f6f8fa', color: '#1f2328', padding: 12, borderRadius: 6, overflow: 'auto', maxHeight: 480, fontSize: 12 }}
    >
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}

/** A secret the API answers this once only, with a copy button and the warning that it will not be shown again. */
export function SecretOnce({ label, value, warning }: { label: string; value: string; warning: string }) {
  return (
    <Alert
      type="warning"
      showIcon
      title={warning}
      description={
        <Typography.Paragraph copyable={{ text: value }} style={{ margin: 0 }}>
          {label}: <code data-testid="secret-once">{value}</code>
        </Typography.Paragraph>
      }
      style={{ marginBottom: 16 }}
    />
  );
}
