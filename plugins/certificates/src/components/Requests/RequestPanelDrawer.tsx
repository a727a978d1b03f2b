import Box from '@material-ui/core/Box';
import Drawer from '@material-ui/core/Drawer';
import IconButton from '@material-ui/core/IconButton';
import CloseIcon from '@material-ui/icons/Close';
import { CertificateRequest } from '@kubecerts/backstage-plugin-certificates-common';
import { InClusterRequestPanel } from './InClusterRequestPanel';
import { RequestPanel } from './RequestPanel';

export interface RequestPanelDrawerProps {
  /** The request to show; the drawer is closed without one. */
  requestId?: string;
  /**
   * The request as listed, when the list has it: an in-cluster
   * CertificateRequest has no stored record and is shown from it.
   */
  request?: CertificateRequest;
  onClose(): void;
  pollIntervalMs?: number;
}

/** The request panel in a drawer from the right. */
export const RequestPanelDrawer = (props: RequestPanelDrawerProps) => {
  const { requestId, onClose, pollIntervalMs, request } = props;
  const inCluster =
    request?.id === requestId && request?.inCluster ? request : undefined;
  return (
    <Drawer anchor="right" open={Boolean(requestId)} onClose={onClose}>
      <Box width={560} maxWidth="100vw" p={3}>
        <Box display="flex" justifyContent="flex-end">
          <IconButton aria-label="Close request panel" onClick={onClose}>
            <CloseIcon />
          </IconButton>
        </Box>
        {inCluster && <InClusterRequestPanel request={inCluster} />}
        {requestId && !inCluster && (
          <RequestPanel requestId={requestId} pollIntervalMs={pollIntervalMs} />
        )}
      </Box>
    </Drawer>
  );
};
