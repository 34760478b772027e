/** The shop's profit sharing (分账), read-only: each finished split with every receiver's result, and returns. */
import { useSuspenseQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import type { Row } from '../../../api/types';
import { useT } from '../../../i18n';
import { Filters, ListTable } from '../../../ui/list';
import { Page } from '../../../ui/Page';
import { splitColumns, splitExpandable } from '../../../ui/splits';
import { SPLIT_EVENTS } from '../../console/profit-sharing/route';
import { portalProfitSharingRoute, portalSplitsQuery } from './route';

type Event = Row<'/portal/v1/events'>;

export function PortalProfitSharingPage() {
  const t = useT();
  const search = portalProfitSharingRoute.useSearch();
  const navigate = useNavigate({ from: portalProfitSharingRoute.fullPath });
  const { data, isFetching } = useSuspenseQuery(portalSplitsQuery(search));
  const returns = (search.type ?? 'profit_sharing.finished') === 'profit_sharing.returned';
  return (
    <Page title={t('nav.profitSharing')}>
      <Filters
        values={search}
        onSearch={(v) => void navigate({ search: { ...v, cursor: undefined } })}
        fields={[{ name: 'type', label: t('profitSharing.kind'), options: SPLIT_EVENTS, width: 220 }]}
      />
      <ListTable<Event>
        page={data}
        busy={isFetching}
        cursor={search.cursor}
        rowKey="id"
        testId="portal-splits-table"
        expandable={splitExpandable<Event>(returns)}
        columns={splitColumns<Event>(t, returns, (no) => (
          <Link to="/portal/orders/$outTradeNo" params={{ outTradeNo: no }}>
            {no}
          </Link>
        ))}
      />
    </Page>
  );
}
