import Chip from '@material-ui/core/Chip';
import useAsync from 'react-use/esm/useAsync';
import {
  Progress,
  ResponseErrorPanel,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { ClusterSyncStatus } from '@kubecerts/backstage-plugin-certificates-common';
import { certificatesApiRef } from '../../api';
import { DenseTable } from '../common/DenseTable';
import { TimeText } from '../common';
import { NoClustersHelp } from './NoClustersHelp';

const SyncState = (props: { cluster: ClusterSyncStatus }) => {
  const { state, degradedReason } = props.cluster;
  switch (state) {
    case 'ok':
      return <StatusOK>In sync</StatusOK>;
    case 'degraded':
      return (
        <StatusError>
          Degraded{degradedReason ? `: ${degradedReason}` : ''}
        </StatusError>
      );
    case 'syncing':
      return <StatusRunning>Syncing</StatusRunning>;
    default:
      return <StatusPending>Never synced</StatusPending>;
  }
};

const columns: TableColumn<ClusterSyncStatus>[] = [
  {
    title: 'Cluster',
    field: 'name',
    render: c => (
      <>
        {c.name}{' '}
        {c.simulated && (
          <Chip size="small" label="demo (simulated)" variant="outlined" />
        )}
      </>
    ),
  },
  { title: 'Sync', field: 'state', render: c => <SyncState cluster={c} /> },
  {
    title: 'Last sync',
    field: 'lastSyncAt',
    render: c => <TimeText value={c.lastSyncAt} />,
  },
  {
    title: 'Last attempt',
    field: 'lastAttemptAt',
    render: c => <TimeText value={c.lastAttemptAt} />,
  },
  { title: 'Certificates', field: 'certificateCount', type: 'numeric' },
  {
    title: 'Watched by',
    field: 'holder',
    render: c => c.holder ?? 'no replica',
  },
];

/** Every configured cluster with its sync state; degraded clusters keep their rows. */
export const ClustersView = () => {
  const api = useApi(certificatesApiRef);
  const { value, loading, error } = useAsync(() => api.listClusters(), [api]);
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value || value.length === 0) return <NoClustersHelp />;
  return (
    <DenseTable<ClusterSyncStatus>
      title="Clusters"
      columns={columns}
      data={value}
    />
  );
};
