import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import { InfoCard } from '@backstage/core-components';
import { FormField } from '../common';
import { useBusyAction } from '../common/useBusyAction';

export interface AddRootFormProps {
  onSubmit: (input: { pem: string; reason: string }) => Promise<void>;
}

/** Asks for a new root; it is added once the approvers approve. */
export const AddRootForm = ({ onSubmit }: AddRootFormProps) => {
  const [pem, setPem] = useState('');
  const [reason, setReason] = useState('');
  const { busy, error, run } = useBusyAction(e => {
    // The backend's reason, not the HTTP status line around it.
    const body = (e as { body?: { error?: { message?: string } } }).body;
    return body?.error?.message ?? (e as Error).message;
  });
  const submit = () =>
    run(async () => {
      await onSubmit({ pem, reason });
      setPem('');
      setReason('');
    });
  return (
    <InfoCard title="Request a new root">
      <Box display="flex" flexDirection="column" style={{ gap: 8 }}>
        <FormField
          id="trust-root-pem"
          label="CA certificate (PEM)"
          multiline
          minRows={4}
          value={pem}
          onChange={e => setPem(e.target.value)}
          errors={error ? [error] : undefined}
          hint="A self-signed CA certificate (CA:TRUE, keyCertSign) that has not expired."
        />
        <FormField
          id="trust-root-reason"
          label="Reason"
          value={reason}
          onChange={e => setReason(e.target.value)}
        />
        <Box>
          <Button
            variant="contained"
            color="primary"
            disabled={busy || !pem.trim() || !reason.trim()}
            onClick={submit}
          >
            Request approval
          </Button>
        </Box>
      </Box>
    </InfoCard>
  );
};
