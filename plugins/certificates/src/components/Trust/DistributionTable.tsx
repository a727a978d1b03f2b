import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import {
  StatusError,
  StatusOK,
  StatusWarning,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { TrustTargetStatus } from '@kubecerts/backstage-plugin-certificates-common';
import { DateText } from '../common';

const LABELS: Record<TrustTargetStatus['state'], string> = {
  'in-sync': 'In sync',
  missing: 'Missing',
  edited: 'Drifted: edited',
  stale: 'Drifted: older bundle',
  foreign: 'Not ours: left alone',
  error: 'Error',
};

/** A target's state in words, coloured by how much attention it needs. */
export const TargetState = ({
  state,
}: {
  state: TrustTargetStatus['state'];
}) => {
  const label = LABELS[state];
  if (state === 'in-sync') return <StatusOK>{label}</StatusOK>;
  if (state === 'error' || state === 'foreign')
    return <StatusError>{label}</StatusError>;
  return <StatusWarning>{label}</StatusWarning>;
};

const columns: TableColumn<TrustTargetStatus>[] = [
  { title: 'Cluster', field: 'cluster' },
  {
    title: 'Namespace',
    field: 'namespace',
    render: t => t.namespace || '(cluster-wide)',
  },
  { title: 'Object', field: 'name', render: t => `${t.kind} ${t.name}` },
  {
    title: 'State',
    field: 'state',
    render: t => <TargetState state={t.state} />,
  },
  { title: 'Detail', field: 'detail', render: t => t.detail ?? '' },
  {
    title: 'Checked',
    field: 'checkedAt',
    render: t => <DateText iso={t.checkedAt} />,
  },
];

export interface DistributionTableProps {
  targets: TrustTargetStatus[];
  /** Present when the user may check and repair the distribution. */
  onSync?: (repair: boolean) => void;
  syncing?: boolean;
}

/** Where the bundle is kept, and each place's state. */
export const DistributionTable = ({
  targets,
  onSync,
  syncing,
}: DistributionTableProps) => (
  <Box>
    {onSync && (
      <Box display="flex" style={{ gap: 8 }} mb={1}>
        <Button
          variant="outlined"
          disabled={syncing}
          onClick={() => onSync(false)}
        >
          Check now
        </Button>
        <Button
          variant="contained"
          color="primary"
          disabled={syncing}
          onClick={() => onSync(true)}
        >
          Repair drift now
        </Button>
      </Box>
    )}
    <Table<TrustTargetStatus>
      title="Distribution"
      columns={columns}
      data={targets}
      options={{ paging: false, search: false, padding: 'dense' }}
      emptyContent={
        <Box p={2}>
          The bundle is not distributed yet: configure
          certificates.trust.distribution, then check.
        </Box>
      }
    />
  </Box>
);
