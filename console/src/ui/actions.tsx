/**
 * Actions are buttons. A destructive one asks first; every one reports what happened (its feedback
 * text is built from the API's answer), and an API error shows its code, message and request id.
 */
import { useState, type ReactNode } from 'react';
import { Button, Form, Modal, Popconfirm, type ButtonProps, type FormInstance } from 'antd';
import { ApiError } from '../api/errors';
import { useT } from '../i18n';
import { ErrorAlert } from './errors';
import { useFeedback } from './feedback';

export function Action({
  label,
  run,
  confirm,
  danger,
  type,
  size,
  testId,
}: {
  label: ReactNode;
  /** Does the work and answers the feedback text naming the result. */
  run: () => Promise<string>;
  /** The question asked first (destructive actions). */
  confirm?: string;
  danger?: boolean;
  type?: ButtonProps['type'];
  size?: ButtonProps['size'];
  testId?: string;
}) {
  const t = useT();
  const feedback = useFeedback();
  const [busy, setBusy] = useState(false);
  const go = async () => {
    setBusy(true);
    try {
      feedback.success(await run());
    } catch (e) {
      feedback.error(e);
    } finally {
      setBusy(false);
    }
  };
  const button = (
    <Button danger={danger} type={type} size={size} loading={busy} data-testid={testId} onClick={confirm ? undefined : () => void go()}>
      {label}
    </Button>
  );
  return confirm ? (
    <Popconfirm
      title={confirm}
      okText={t('common.confirm')}
      cancelText={t('common.cancel')}
      okButtonProps={{ danger }}
      onConfirm={() => go()}
    >
      {button}
    </Popconfirm>
  ) : (
    button
  );
}

/**
 * A form in a dialog, opened by a button. `submit` answers the feedback text; the dialog closes on
 * success and keeps the API's error (with the fields it names) inside itself on failure.
 */
export function FormDialog<V extends object>({
  open: openLabel,
  title,
  submit,
  children,
  initialValues,
  okText,
  buttonType,
  buttonSize,
  danger,
  width,
  testId,
}: {
  open: ReactNode;
  title: string;
  submit: (values: V, form: FormInstance<V>) => Promise<string>;
  children: ReactNode;
  initialValues?: Partial<V>;
  okText?: string;
  buttonType?: ButtonProps['type'];
  buttonSize?: ButtonProps['size'];
  danger?: boolean;
  width?: number;
  testId?: string;
}) {
  const t = useT();
  const feedback = useFeedback();
  const [form] = Form.useForm<V>();
  const [visible, setVisible] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <>
      <Button type={buttonType} size={buttonSize} danger={danger} onClick={() => setVisible(true)} data-testid={testId}>
        {openLabel}
      </Button>
      <Modal
        open={visible}
        title={title}
        width={width}
        okText={okText ?? t('common.save')}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        destroyOnHidden
        onCancel={() => {
          setVisible(false);
          setError(null);
        }}
        onOk={() => form.submit()}
      >
        <ErrorAlert error={error} />
        <Form<V>
          form={form}
          layout="vertical"
          initialValues={initialValues}
          preserve={false}
          onFinish={async (values) => {
            setBusy(true);
            setError(null);
            try {
              const text = await submit(values, form);
              setVisible(false);
              feedback.success(text);
            } catch (e) {
              setError(e);
              if (!(e instanceof ApiError)) throw e;
            } finally {
              setBusy(false);
            }
          }}
        >
          {children}
        </Form>
      </Modal>
    </>
  );
}
