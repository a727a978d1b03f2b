import { useState } from 'react';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import { TrustRoot } from '@kubecerts/backstage-plugin-certificates-common';
import { FormField } from '../common';

export interface RemoveRootDialogProps {
  /** The root to remove; the dialog is open while set. */
  root?: TrustRoot;
  onClose: () => void;
  onSubmit: (root: TrustRoot, reason: string) => void;
}

/** Asks why a root should no longer be trusted; the removal still needs approvals. */
export const RemoveRootDialog = ({
  root,
  onClose,
  onSubmit,
}: RemoveRootDialogProps) => {
  const [reason, setReason] = useState('');
  const close = () => {
    setReason('');
    onClose();
  };
  return (
    <Dialog open={Boolean(root)} onClose={close} fullWidth>
      <DialogTitle>Request removal of {root?.subject}</DialogTitle>
      <DialogContent>
        <FormField
          id="trust-removal-reason"
          label="Why should it no longer be trusted?"
          fullWidth
          value={reason}
          onChange={e => setReason(e.target.value)}
        />
      </DialogContent>
      <DialogActions>
        <Button onClick={close}>Cancel</Button>
        <Button
          color="primary"
          disabled={!reason.trim()}
          onClick={() => {
            onSubmit(root!, reason);
            close();
          }}
        >
          Request approval
        </Button>
      </DialogActions>
    </Dialog>
  );
};
