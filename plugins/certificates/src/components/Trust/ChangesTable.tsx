import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';
import { TableColumn } from '@backstage/core-components';
import {
  canDecideTrustChange,
  TrustApprovalSettings,
  TrustChange,
  trustChangeOutcome,
} from '@kubecerts/backstage-plugin-certificates-common';
import { DateText } from '../common';
import { DenseTable } from '../common/DenseTable';

export interface ChangesTableProps {
  changes: TrustChange[];
  approvals: TrustApprovalSettings;
  /** The signed-in user and their groups; the same verdict the backend enforces. */
  user?: { userEntityRef: string; ownershipEntityRefs: string[] };
  /** Present when the permission policy lets the user decide. */
  onDecide?: (change: TrustChange, decision: 'approve' | 'deny') => void;
}

/** Root changes: pending ones with their approvals, then recent decisions. */
export const ChangesTable = ({
  changes,
  approvals,
  user,
  onDecide,
}: ChangesTableProps) => {
  const columns: TableColumn<TrustChange>[] = [
    {
      title: 'Change',
      render: c => `${c.action === 'add' ? 'Add' : 'Remove'} ${c.subject}`,
    },
    { title: 'Requested by', field: 'requester' },
    { title: 'Reason', field: 'reason' },
    {
      title: 'Requested',
      field: 'createdAt',
      render: c => <DateText iso={c.createdAt} />,
    },
    {
      title: 'State',
      field: 'state',
      render: c =>
        c.state === 'pending'
          ? `pending (${trustChangeOutcome(c).approvals} of ${
              c.required
            } approvals)`
          : c.state,
    },
    {
      title: '',
      render: c => {
        if (c.state !== 'pending' || !onDecide || !user) return null;
        const verdict = canDecideTrustChange({
          change: c,
          actor: user.userEntityRef,
          actorGroups: user.ownershipEntityRefs,
          approvals,
        });
        const buttons = (
          <Box display="flex" style={{ gap: 4 }}>
            <Button
              size="small"
              color="primary"
              disabled={!verdict.allowed}
              onClick={() => onDecide(c, 'approve')}
            >
              Approve
            </Button>
            <Button
              size="small"
              disabled={!verdict.allowed}
              onClick={() => onDecide(c, 'deny')}
            >
              Deny
            </Button>
          </Box>
        );
        return verdict.allowed ? (
          buttons
        ) : (
          <Tooltip title={verdict.reason}>
            <span>{buttons}</span>
          </Tooltip>
        );
      },
    },
  ];
  return (
    <DenseTable<TrustChange>
      title="Root changes"
      columns={columns}
      data={changes}
      emptyContent={<Box p={2}>No root changes yet.</Box>}
    />
  );
};
