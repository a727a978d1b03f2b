import Box from '@material-ui/core/Box';
import Drawer from '@material-ui/core/Drawer';
import IconButton from '@material-ui/core/IconButton';
import CloseIcon from '@material-ui/icons/Close';
import { RequestPanel } from './RequestPanel';

export interface RequestPanelDrawerProps {
  /** The request to show; the drawer is closed without one. */
  requestId?: string;
  onClose(): void;
  pollIntervalMs?: number;
}

/** The request panel in a drawer from the right. */
export const RequestPanelDrawer = (props: RequestPanelDrawerProps) => {
  const { requestId, onClose, pollIntervalMs } = props;
  return (
    <Drawer anchor="right" open={Boolean(requestId)} onClose={onClose}>
      <Box width={560} maxWidth="100vw" p={3}>
        <Box display="flex" justifyContent="flex-end">
          <IconButton aria-label="Close request panel" onClick={onClose}>
            <CloseIcon />
          </IconButton>
        </Box>
        {requestId && (
          <RequestPanel requestId={requestId} pollIntervalMs={pollIntervalMs} />
        )}
      </Box>
    </Drawer>
  );
};
