/** The shop's bill of a Beijing day: its own rows of WeChat Pay's trade bill (or fund flow), as a CSV file. */
import { Form, Input, Select, Button, Typography } from 'antd';
import { useState } from 'react';
import { download } from '../../../api/client';
import { useT } from '../../../i18n';
import { beijingYesterday } from '../../../lib/format';
import { useFeedback } from '../../../ui/feedback';
import { Page } from '../../../ui/Page';

export function PortalBillsPage() {
  const t = useT();
  const feedback = useFeedback();
  const [busy, setBusy] = useState(false);
  return (
    <Page title={t('portal.bills')}>
      <Typography.Paragraph type="secondary">{t('portal.bills.hint')}</Typography.Paragraph>
      <Form
        layout="inline"
        initialValues={{ bill_date: beijingYesterday(), type: 'trade' }}
        onFinish={async (v: { bill_date: string; type: 'trade' | 'fundflow' }) => {
          setBusy(true);
          try {
            await download('/portal/v1/bills/{bill_date}', `bill-${v.bill_date}-${v.type}.csv`, {
              params: { path: { bill_date: v.bill_date }, query: { type: v.type } },
            });
            feedback.success(t('portal.bills.downloaded', { day: v.bill_date }));
          } catch (e) {
            feedback.error(e);
          } finally {
            setBusy(false);
          }
        }}
      >
        <Form.Item
          name="bill_date"
          label={t('portal.bills.day')}
          htmlFor="bill-date"
          rules={[{ required: true, pattern: /^\d{4}-\d{2}-\d{2}$/ }]}
        >
          <Input id="bill-date" placeholder="2026-12-04" style={{ width: 140 }} />
        </Form.Item>
        <Form.Item name="type" label={t('portal.bills.type')} htmlFor="bill-type">
          <Select
            id="bill-type"
            style={{ width: 160 }}
            options={[
              { value: 'trade', label: t('portal.bills.trade') },
              { value: 'fundflow', label: t('portal.bills.fundflow') },
            ]}
          />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy} data-testid="bill-download">
          {t('portal.bills.download')}
        </Button>
      </Form>
    </Page>
  );
}
