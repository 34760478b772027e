/** POST /admin/v1/media: one image to WeChat Pay for a provider; its media_id goes into the application. */
import { useState } from 'react';
import { Button, Flex, Typography } from 'antd';
import { upload } from '../../../api/client';
import { useT } from '../../../i18n';
import { useFeedback } from '../../../ui/feedback';

export function MediaUpload({ spMchid }: { spMchid: string | undefined }) {
  const t = useT();
  const feedback = useFeedback();
  const [file, setFile] = useState<File | null>(null);
  const [ids, setIds] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  return (
    <Flex vertical gap={8}>
      <Flex gap={8} align="center" wrap>
        <label htmlFor="media-file">{t('media.file')}</label>
        <input id="media-file" type="file" accept="image/png,image/jpeg,image/bmp" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        <Button
          disabled={!file || !spMchid}
          loading={busy}
          onClick={async () => {
            if (!file || !spMchid) return;
            setBusy(true);
            try {
              const form = new FormData();
              form.append('sp_mchid', spMchid);
              form.append('file', file);
              const r = await upload('/admin/v1/media', form);
              setIds((x) => [r.media_id, ...x]);
              feedback.success(t('media.uploaded', { name: file.name, media_id: r.media_id }));
            } catch (e) {
              feedback.error(e);
            } finally {
              setBusy(false);
            }
          }}
        >
          {t('media.upload')}
        </Button>
      </Flex>
      {ids.map((id) => (
        <Typography.Text key={id} copyable code>
          {id}
        </Typography.Text>
      ))}
    </Flex>
  );
}
