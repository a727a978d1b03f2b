import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useApi } from '@backstage/core-plugin-api';
import {
  CertificateActions as Actions,
  RevocationReason,
  certificateRenewPermission,
  certificateRevokePermission,
} from '@kubecerts/backstage-plugin-certificates-common';
import { certificatesApiRef } from '../../api';
import { usePermitted } from '../common/usePermitted';
import { useBusyAction } from '../common/useBusyAction';

/** The reasons offered, most common first. */
const REASON_LABELS: Record<RevocationReason, string> = {
  keyCompromise: 'Key compromise: someone else may have the private key',
  superseded: 'Superseded: a newer certificate replaces it',
  cessationOfOperation: 'Cessation of operation: the service no longer runs',
  affiliationChanged: 'Affiliation changed: its names or owner changed',
  unspecified: 'Unspecified',
};

const COMMENT_MAX = 500;

/** The backend's own sentence for a refused action, else the error's message. */
function actionErrorMessage(error: unknown): string {
  const e = error as {
    message?: string;
    body?: { error?: { message?: string } };
  };
  return e.body?.error?.message ?? e.message ?? String(error);
}

interface Notice {
  severity: 'success' | 'error';
  text: string;
}

const RevokeDialog = (props: {
  open: boolean;
  name: string;
  onClose: () => void;
  onRevoke: (reason: RevocationReason, comment?: string) => Promise<void>;
}) => {
  const [reason, setReason] = useState<RevocationReason>('superseded');
  const [comment, setComment] = useState('');
  const { busy, error, run } = useBusyAction(actionErrorMessage);

  const submit = () =>
    run(() => props.onRevoke(reason, comment.trim() || undefined));

  return (
    <Dialog
      open={props.open}
      onClose={busy ? undefined : props.onClose}
      aria-labelledby="revoke-certificate-title"
      fullWidth
      maxWidth="sm"
    >
      <DialogTitle id="revoke-certificate-title">
        Revoke {props.name}
      </DialogTitle>
      <DialogContent>
        <DialogContentText>
          The issuing CA lists it as revoked, and clients that check revocation
          reject it from then on. This cannot be undone: renew or request a new
          certificate first if the service still needs one.
        </DialogContentText>
        <TextField
          id="revoke-reason"
          select
          label="Reason"
          value={reason}
          onChange={e => setReason(e.target.value as RevocationReason)}
          fullWidth
          margin="normal"
          variant="outlined"
        >
          {(Object.keys(REASON_LABELS) as RevocationReason[]).map(r => (
            <MenuItem key={r} value={r}>
              {REASON_LABELS[r]}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          id="revoke-comment"
          label="Comment (optional, kept in the audit trail)"
          value={comment}
          onChange={e => setComment(e.target.value)}
          fullWidth
          multiline
          minRows={2}
          margin="normal"
          variant="outlined"
          inputProps={{ maxLength: COMMENT_MAX }}
          helperText={`${comment.length}/${COMMENT_MAX}`}
        />
        {error && (
          <Alert severity="error" role="alert">
            {error}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose} disabled={busy}>
          Cancel
        </Button>
        <Button
          color="secondary"
          variant="contained"
          onClick={submit}
          disabled={busy}
        >
          {busy ? 'Revoking…' : 'Revoke certificate'}
        </Button>
      </DialogActions>
    </Dialog>
  );
};

/**
 * Renew and revoke, as far as the caller may: an action the permission
 * policy refuses is not offered; otherwise the backend says per certificate
 * what is allowed and, when not, why (shown under the buttons).
 */
export const CertificateActions = (props: {
  id: string;
  name: string;
  actions?: Actions;
  onChanged?: () => void;
}) => {
  const api = useApi(certificatesApiRef);
  const [notice, setNotice] = useState<Notice>();
  const [renewing, setRenewing] = useState(false);
  const [revokeOpen, setRevokeOpen] = useState(false);
  const renewPermission = usePermitted(certificateRenewPermission, props.id);
  const revokePermission = usePermitted(certificateRevokePermission, props.id);
  const { actions } = props;
  if (!actions) return null;
  const offerRenew = !renewPermission.denied;
  const offerRevoke = !revokePermission.denied;
  if (!offerRenew && !offerRevoke && !notice) return null;

  const renew = async () => {
    setRenewing(true);
    setNotice(undefined);
    try {
      const result = await api.renewCertificate(props.id);
      setNotice({
        severity: 'success',
        text:
          result.outcome === 'cert-manager-reissuing'
            ? 'cert-manager is issuing a new certificate; the inventory shows it when the Secret changes.'
            : `Renewal requested (${result.request.id}): ${
                result.request.state === 'pending'
                  ? `waiting for approval${
                      result.request.pendingReason
                        ? `, ${result.request.pendingReason}`
                        : ''
                    }`
                  : result.request.state
              }.`,
      });
      props.onChanged?.();
    } catch (e) {
      setNotice({ severity: 'error', text: actionErrorMessage(e) });
    } finally {
      setRenewing(false);
    }
  };

  const revoke = async (reason: RevocationReason, comment?: string) => {
    const { request } = await api.revokeCertificate(props.id, {
      reason,
      comment,
    });
    setRevokeOpen(false);
    setNotice({
      severity: 'success',
      text: `Revoked (${REASON_LABELS[reason]
        .split(':')[0]
        .toLowerCase()}); request ${request.id} records it.`,
    });
    props.onChanged?.();
  };

  const why = [
    offerRenew && !actions.renew.allowed && actions.renew.reason
      ? `Renew: ${actions.renew.reason}`
      : undefined,
    offerRevoke && !actions.revoke.allowed && actions.revoke.reason
      ? `Revoke: ${actions.revoke.reason}`
      : undefined,
  ].filter(Boolean);

  return (
    <Box display="flex" flexDirection="column" alignItems="flex-end">
      <Box display="flex" style={{ gap: 8 }}>
        {offerRenew && (
          <Button
            variant="outlined"
            color="primary"
            disabled={
              !actions.renew.allowed || renewing || renewPermission.loading
            }
            onClick={renew}
            aria-describedby={
              why.length ? `actions-why-${props.id}` : undefined
            }
          >
            {renewing ? 'Renewing…' : 'Renew'}
          </Button>
        )}
        {offerRevoke && (
          <Button
            variant="outlined"
            color="secondary"
            disabled={!actions.revoke.allowed || revokePermission.loading}
            onClick={() => setRevokeOpen(true)}
            aria-describedby={
              why.length ? `actions-why-${props.id}` : undefined
            }
          >
            Revoke…
          </Button>
        )}
      </Box>
      {why.length > 0 && (
        <Typography
          id={`actions-why-${props.id}`}
          variant="caption"
          color="textSecondary"
          align="right"
          component="div"
        >
          {why.map(w => (
            <div key={w}>{w}</div>
          ))}
        </Typography>
      )}
      {notice && (
        <Alert
          severity={notice.severity}
          role={notice.severity === 'error' ? 'alert' : 'status'}
          onClose={() => setNotice(undefined)}
        >
          {notice.text}
        </Alert>
      )}
      <RevokeDialog
        open={revokeOpen}
        name={props.name}
        onClose={() => setRevokeOpen(false)}
        onRevoke={revoke}
      />
    </Box>
  );
};
