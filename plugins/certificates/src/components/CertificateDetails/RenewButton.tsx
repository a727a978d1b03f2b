import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  CertificateDetails,
  certificateRenewPermission,
} from '@internal/plugin-certificates-common';
import { certificatesApiRef } from '../../api';

/** Why a certificate cannot be renewed from here, or undefined when it can. */
export function renewBlocker(
  certificate: CertificateDetails,
  allowed: boolean,
): string | undefined {
  if (!allowed) {
    return 'You are not allowed to renew this certificate; its owners can.';
  }
  if (certificate.goneAt) {
    return 'The Secret is gone from the cluster.';
  }
  if (!certificate.requestId && !certificate.certManager) {
    return 'Only certificates issued through the portal or managed by cert-manager can be renewed here; renew it where it was issued.';
  }
  return undefined;
}

export const RenewButton = (props: {
  certificate: CertificateDetails;
  onRenewed?: () => void;
}) => {
  const { certificate, onRenewed } = props;
  const api = useApi(certificatesApiRef);
  const permission = usePermission({
    permission: certificateRenewPermission,
    resourceRef: certificate.id,
  });
  const [state, setState] = useState<
    | { kind: 'idle' }
    | { kind: 'busy' }
    | { kind: 'done'; message: string }
    | { kind: 'failed'; message: string }
  >({ kind: 'idle' });

  if (permission.loading) {
    return null;
  }
  const blocker = renewBlocker(certificate, permission.allowed);

  const renew = async () => {
    setState({ kind: 'busy' });
    try {
      const result = await api.renewCertificate(certificate.id);
      setState({
        kind: 'done',
        message: result.request
          ? `Renewal requested (${result.request.state}).`
          : 'Renewal started; the new certificate appears after the next sync.',
      });
      onRenewed?.();
    } catch (e) {
      setState({ kind: 'failed', message: (e as Error).message });
    }
  };

  return (
    <Box display="flex" alignItems="center" style={{ gap: 8 }}>
      <Tooltip
        title={blocker ?? 'Issue a fresh certificate with the same names'}
      >
        <span>
          <Button
            variant="outlined"
            color="primary"
            disabled={!!blocker || state.kind === 'busy'}
            onClick={renew}
          >
            Renew
          </Button>
        </span>
      </Tooltip>
      {blocker && (
        <Typography variant="caption" color="textSecondary">
          {blocker}
        </Typography>
      )}
      {state.kind === 'done' && (
        <Typography variant="caption" role="status">
          {state.message}
        </Typography>
      )}
      {state.kind === 'failed' && (
        <Typography variant="caption" color="error" role="alert">
          Renewal failed: {state.message}
        </Typography>
      )}
    </Box>
  );
};
