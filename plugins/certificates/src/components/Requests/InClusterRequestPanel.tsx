import Alert from '@material-ui/lab/Alert';
import { StructuredMetadataTable } from '@backstage/core-components';
import { CertificateRequest } from '@kubecerts/backstage-plugin-certificates-common';
import { DateText } from '../common/DateText';
import { RequestedCertificateTable } from './RequestedCertificateTable';
import { RequestRegion } from './RequestRegion';

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
    <RequestRegion request={request}>
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
    </RequestRegion>
  );
};
