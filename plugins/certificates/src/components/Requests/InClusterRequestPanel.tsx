import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { StructuredMetadataTable } from '@backstage/core-components';
import { CertificateRequest } from '@kubecerts/backstage-plugin-certificates-common';
import { DateText } from './DateText';
import { requestTitle } from './describe';
import { RequestedCertificateTable } from './RequestedCertificateTable';
import { RequestStateChip } from './RequestStateChip';

export interface InClusterRequestPanelProps {
  /** A queue row for a cert-manager CertificateRequest (`inCluster` set). */
  request: CertificateRequest;
}

/**
 * An in-cluster CertificateRequest as the queue listed it: it lives in the
 * cluster, not in the portal, so there is no stored record or audit trail
 * to load; the row says everything the approver decides on.
 */
export const InClusterRequestPanel = ({
  request,
}: InClusterRequestPanelProps) => {
  const where = request.inCluster!;
  return (
    <Box
      role="region"
      aria-label={`Certificate request ${requestTitle(request)}`}
    >
      <Box display="flex" alignItems="center" justifyContent="space-between">
        <Typography variant="h5" component="h2">
          {requestTitle(request)}
        </Typography>
        <RequestStateChip state={request.state} />
      </Box>
      {request.pendingReason && (
        <Alert severity="info">{request.pendingReason}</Alert>
      )}
      <StructuredMetadataTable
        dense
        metadata={{
          CertificateRequest: `${where.namespace}/${where.name}`,
          Cluster: where.cluster,
          'Requested by (Kubernetes)': request.requester,
          Entity: request.entityRef || 'no entity',
          'Owner team': request.ownerRef ?? 'no owner',
          Issuer: request.issuer,
          Created: <DateText iso={request.createdAt} />,
        }}
      />
      <RequestedCertificateTable request={request} />
    </Box>
  );
};
