import { useState } from 'react';
import {
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { CertificateRequest } from '@kubecerts/backstage-plugin-certificates-common';
import { useLoadWithIdentity } from '../common';
import {
  DateText,
  RequestPanelDrawer,
  RequestStateChip,
  requestTitle,
} from '../Requests';

/** Requests the signed-in user has decided, newest decision first. */
export const DecidedByMe = () => {
  const [opened, setOpened] = useState<string>();
  const { value, loading, error } = useLoadWithIdentity(api =>
    api.listApprovalsHistory(),
  );

  if (error) return <ResponseErrorPanel error={error} />;

  type Row = {
    request: CertificateRequest;
    mine?: CertificateRequest['decisions'][number];
  };
  const columns: TableColumn<Row>[] = [
    { title: 'Names', render: row => requestTitle(row.request) },
    { title: 'Entity', render: row => row.request.entityRef },
    { title: 'Requester', render: row => row.request.requester },
    {
      title: 'My decision',
      render: row =>
        row.mine
          ? `${row.mine.decision === 'approve' ? 'Approved' : 'Denied'}`
          : '—',
    },
    { title: 'Reason', render: row => row.mine?.reason ?? '' },
    {
      title: 'Decided',
      render: row => (row.mine ? <DateText iso={row.mine.at} /> : '—'),
    },
    {
      title: 'State now',
      render: row => <RequestStateChip state={row.request.state} />,
    },
  ];
  const me = value?.identity.userEntityRef;
  const rows: Row[] = (value?.data ?? [])
    .map(request => ({
      request,
      mine: request.decisions.filter(d => d.actor === me).pop(),
    }))
    .sort((a, b) => (b.mine?.at ?? '').localeCompare(a.mine?.at ?? ''));

  return (
    <>
      <Table<Row>
        title="Decided by me"
        isLoading={loading}
        data={rows}
        columns={columns}
        options={{
          paging: rows.length > 20,
          pageSize: 20,
          padding: 'dense',
          search: true,
        }}
        onRowClick={(_, row) => row && setOpened(row.request.id)}
        emptyContent={
          <div style={{ padding: 16 }}>
            You have not decided any requests yet.
          </div>
        }
      />
      <RequestPanelDrawer
        requestId={opened}
        onClose={() => setOpened(undefined)}
      />
    </>
  );
};
