import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  TrustChange,
  trustApprovePermission,
  trustManagePermission,
  TrustRoot,
} from '@kubecerts/backstage-plugin-certificates-common';
import { certificatesApiRef } from '../../api';
import { useLoadWithIdentity } from '../common';
import { AddRootForm } from './AddRootForm';
import { ChangesTable } from './ChangesTable';
import { DistributionTable } from './DistributionTable';
import { RemoveRootDialog } from './RemoveRootDialog';
import { RootsTable } from './RootsTable';

/**
 * The root of trust: the approved roots, changes waiting for approval, and
 * where the bundle is distributed with each place's state. Buttons follow
 * the permission policy; the backend decides again on every action.
 */
export const TrustView = () => {
  const api = useApi(certificatesApiRef);
  const manage = usePermission({ permission: trustManagePermission });
  const approve = usePermission({ permission: trustApprovePermission });
  const [actionError, setActionError] = useState<Error>();
  const [syncing, setSyncing] = useState(false);
  const [removing, setRemoving] = useState<TrustRoot>();
  const state = useLoadWithIdentity(a => a.getTrust());

  const act = async (fn: () => Promise<unknown>) => {
    setActionError(undefined);
    try {
      await fn();
      state.retry();
    } catch (e) {
      setActionError(e as Error);
    }
  };

  if (state.loading && !state.value) return <Progress />;
  if (state.error) return <ResponseErrorPanel error={state.error} />;
  const { data: overview, identity } = state.value!;

  const requestRemoval = (root: TrustRoot, reason: string) =>
    act(() =>
      api.requestTrustChange({
        action: 'remove',
        fingerprint: root.fingerprint,
        reason,
      }),
    );
  const decide = (change: TrustChange, decision: 'approve' | 'deny') =>
    act(() => api.decideTrustChange(change.id, { decision }));
  const sync = (repair: boolean) => {
    setSyncing(true);
    act(() => api.syncTrust({ repair })).finally(() => setSyncing(false));
  };

  return (
    <Box display="flex" flexDirection="column" style={{ gap: 16 }}>
      <Typography variant="body2">
        Root changes need {overview.approvals.required} approval(s) from{' '}
        {overview.approvals.approvers.join(', ') ||
          'nobody (no approver groups configured)'}
        ; the requester never approves their own change.
      </Typography>
      {actionError && <ResponseErrorPanel error={actionError} />}
      <RootsTable
        roots={overview.roots}
        changes={overview.changes}
        onRequestRemoval={manage.allowed ? setRemoving : undefined}
      />
      <RemoveRootDialog
        root={removing}
        onClose={() => setRemoving(undefined)}
        onSubmit={requestRemoval}
      />
      <ChangesTable
        changes={overview.changes}
        approvals={overview.approvals}
        user={identity}
        onDecide={approve.allowed ? decide : undefined}
      />
      {manage.allowed && (
        <AddRootForm
          onSubmit={async ({ pem, reason }) => {
            await api.requestTrustChange({ action: 'add', pem, reason });
            state.retry();
          }}
        />
      )}
      <DistributionTable
        targets={overview.targets}
        onSync={manage.allowed ? sync : undefined}
        syncing={syncing}
      />
    </Box>
  );
};
