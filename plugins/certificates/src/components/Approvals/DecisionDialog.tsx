import { FormEvent, KeyboardEvent, useEffect, useRef, useState } from 'react';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { decisionReason } from '@kubecerts/backstage-plugin-certificates-common';
import { DecisionKind } from '../../api';

export interface DecisionDialogProps {
  /** Open when set. */
  decision?: DecisionKind;
  /** What is being decided, e.g. "payments.example.com" or "3 requests". */
  subject: string;
  onCancel(): void;
  onConfirm(reason: string | undefined): void;
  busy?: boolean;
}

/** Asks for the reason of a decision; a denial must give one. */
export const DecisionDialog = (props: DecisionDialogProps) => {
  const { decision, subject, onCancel, onConfirm, busy } = props;
  const [reason, setReason] = useState('');
  const [touched, setTouched] = useState(false);
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    setReason('');
    setTouched(false);
  }, [decision, subject]);

  const deny = decision === 'deny';
  // The rule the API applies: a denial needs a reason; blanks are none.
  const checked = decisionReason(decision ?? 'approve', reason);
  const missing = checked.missing;
  const verb = deny ? 'Deny' : 'Approve';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!missing && !busy) onConfirm(checked.reason);
  };

  // Enter confirms from the reason field; Shift+Enter starts a new line.
  const onReasonKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      submit(e);
    }
  };

  return (
    <Dialog
      open={Boolean(decision)}
      onClose={onCancel}
      aria-labelledby="decision-dialog-title"
      fullWidth
      // Straight into the reason: approvers work through the queue from the keyboard.
      TransitionProps={{ onEntered: () => reasonRef.current?.focus() }}
    >
      <form onSubmit={submit} noValidate>
        <DialogTitle id="decision-dialog-title">
          {verb} {subject}
        </DialogTitle>
        <DialogContent>
          <Typography variant="body2" gutterBottom>
            {deny
              ? 'The requester sees this reason. A denial is final.'
              : 'Optional: a note for the requester and the audit trail.'}{' '}
            Enter confirms, Shift+Enter adds a line.
          </Typography>
          <TextField
            id="decision-reason"
            label={deny ? 'Reason (required)' : 'Reason'}
            value={reason}
            onChange={e => setReason(e.target.value)}
            onBlur={() => setTouched(true)}
            multiline
            minRows={2}
            fullWidth
            inputRef={reasonRef}
            onKeyDown={onReasonKeyDown}
            variant="outlined"
            required={deny}
            error={touched && missing}
            helperText={
              touched && missing ? 'A denial needs a reason.' : undefined
            }
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={onCancel}>Cancel</Button>
          <Button
            type="submit"
            color={deny ? 'secondary' : 'primary'}
            variant="contained"
            disabled={busy}
          >
            {verb}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
};
