import useAsync from 'react-use/esm/useAsync';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  Progress,
  ResponseErrorPanel,
  StructuredMetadataTable,
} from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import { certificatesApiRef } from '../../api';
import { DecisionList } from './DecisionList';
import { RequestAuditList } from './RequestAuditList';
import { RequestStepper } from './RequestStepper';
import { DateText } from '../common/DateText';
import { downloadPem } from '../common/downloadPem';
import { useBusyAction } from '../common/useBusyAction';
import { useRequest } from './useRequest';
import { describeDelivery } from './describe';
import { RequestedCertificateTable } from './RequestedCertificateTable';
import { RequestRegion } from './RequestRegion';

export interface RequestPanelProps {
  requestId: string;
  pollIntervalMs?: number;
}

/** One request: where it is in its workflow, who decided what, its audit trail and what the requester can do. */
export const RequestPanel = ({
  requestId,
  pollIntervalMs,
}: RequestPanelProps) => {
  const api = useApi(certificatesApiRef);
  const identityApi = useApi(identityApiRef);
  const me = useAsync(
    async () => (await identityApi.getBackstageIdentity()).userEntityRef,
    [identityApi],
  );
  const { value, error, loading, set } = useRequest(requestId, pollIntervalMs);
  const { busy, error: actionError, run } = useBusyAction(e => e as Error);

  if (loading && !value) return <Progress />;
  if (error && !value) return <ResponseErrorPanel error={error} />;
  if (!value) return null;
  const { request, audit } = value;

  const cancel = () =>
    run(async () =>
      set({ request: await api.cancelRequest(request.id), audit }),
    );
  const downloadChain = () =>
    run(async () =>
      downloadPem(
        `${request.commonName ?? request.id}.chain.pem`,
        await api.getRequestChainPem(request.id),
      ),
    );

  const canCancel =
    request.state === 'pending' && me.value === request.requester;
  const canDownload =
    request.state === 'issued' && request.delivery.kind === 'csr';

  return (
    <RequestRegion request={request}>
      <RequestStepper
        state={request.state}
        detail={
          request.failureReason ??
          request.decisions.find(d => d.decision === 'deny')?.reason
        }
      />
      {request.state === 'pending' && (
        <Alert severity="info">
          Waiting for {request.approvalsRequired} approval
          {request.approvalsRequired === 1 ? '' : 's'} (policy "
          {request.policyName}")
          {request.pendingReason ? `: ${request.pendingReason}` : '.'}
        </Alert>
      )}
      {request.revokedAt && (
        <Alert severity="warning">
          Its certificate was revoked on <DateText iso={request.revokedAt} />
          {request.revocationReason ? ` (${request.revocationReason})` : ''}.
        </Alert>
      )}
      {request.state === 'failed' && request.failureReason && (
        <Alert severity="error">Issuing failed: {request.failureReason}</Alert>
      )}
      {actionError && (
        <Alert severity="error" role="alert">
          {actionError.message}
        </Alert>
      )}
      <Box display="flex" style={{ gap: 8 }} my={1}>
        {canCancel && (
          <Button variant="outlined" onClick={cancel} disabled={busy}>
            Cancel request
          </Button>
        )}
        {canDownload && (
          <Button
            color="primary"
            variant="contained"
            onClick={downloadChain}
            disabled={busy}
          >
            Download certificate chain (PEM)
          </Button>
        )}
      </Box>
      <StructuredMetadataTable
        dense
        metadata={{
          Entity: request.entityRef,
          Issuer: request.issuer,
          Delivery: describeDelivery(request),
          Requester:
            !request.inCluster && request.requesterIsOwner === false
              ? `${request.requester} (not an owner of the entity)`
              : request.requester,
          Submitted: <DateText iso={request.createdAt} />,
          ...(request.serialNumber ? { Serial: request.serialNumber } : {}),
          ...(request.notAfter
            ? { Expires: <DateText iso={request.notAfter} /> }
            : {}),
          ...(request.renewalOf ? { 'Renewal of': request.renewalOf } : {}),
        }}
      />
      <RequestedCertificateTable request={request} />
      <Typography variant="h6" component="h3">
        Justification
      </Typography>
      <Typography
        variant="body2"
        style={{ whiteSpace: 'pre-wrap' }}
        data-testid="request-justification"
      >
        {request.justification || '—'}
      </Typography>
      <DecisionList decisions={request.decisions} />
      <RequestAuditList records={audit} />
    </RequestRegion>
  );
};
