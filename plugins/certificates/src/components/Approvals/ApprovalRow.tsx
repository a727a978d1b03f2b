import { KeyboardEvent, memo, useCallback } from 'react';
import Box from '@material-ui/core/Box';
import Checkbox from '@material-ui/core/Checkbox';
import Chip from '@material-ui/core/Chip';
import IconButton from '@material-ui/core/IconButton';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import ApproveIcon from '@material-ui/icons/Check';
import DenyIcon from '@material-ui/icons/Block';
import {
  CertificateRequest,
  requestApprovePermission,
  requestedCertificateOf,
} from '@kubecerts/backstage-plugin-certificates-common';
import { ageLabel, BreakableName, formatAbsolute } from '../common';
import { usePermitted } from '../common/usePermitted';
import { describeDelivery, requestTitle } from '../Requests';
import { OtherNames, RequestedSummary } from './RequestedSummary';
import { verdictOf } from './approvability';

const useStyles = makeStyles({
  // The theme lets table cells break anywhere, which squeezes columns until
  // names break mid-word; names carry their own break hints (BreakableName).
  // Narrower padding than the theme's keeps all columns on a 1280 px screen.
  row: {
    '& > td': { wordBreak: 'normal', overflowWrap: 'normal' },
    '& > td:not(:first-child):not(:last-child)': {
      paddingLeft: 8,
      paddingRight: 8,
    },
  },
  prose: { overflowWrap: 'anywhere' },
});

/**
 * What a row can do, by request id. The queue passes one object that never
 * changes, so a key press re-renders only the rows whose data changed.
 */
export interface ApprovalRowActions {
  toggle(id: string): void;
  approve(id: string): void;
  deny(id: string): void;
  open(id: string): void;
  /** Moves keyboard focus from this row by this many rows. */
  move(id: string, delta: number): void;
  /** Bulk keys: approve / deny the selected rows, select all or none. */
  approveSelected(): void;
  denySelected(): void;
  toggleAll(): void;
  /** The row element, for moving focus (null when it unmounts). */
  register(id: string, element: HTMLTableRowElement | null): void;
}

export interface ApprovalRowProps {
  request: CertificateRequest;
  selected: boolean;
  busy: boolean;
  actions: ApprovalRowActions;
}

/**
 * One pending request. The row is focusable; keys: a approve, d deny,
 * x select and move down, space select, enter open, arrows or j/k move;
 * for the selection: A approve, D deny, X select all or none.
 */
export const ApprovalRow = memo((props: ApprovalRowProps) => {
  const { request: r, selected, busy, actions: act } = props;
  const classes = useStyles();
  const id = r.id;
  const onToggle = () => act.toggle(id);
  const onApprove = () => act.approve(id);
  const onDeny = () => act.deny(id);
  const onMove = (delta: number) => act.move(id, delta);
  const register = useCallback(
    (element: HTMLTableRowElement | null) => act.register(id, element),
    [act, id],
  );
  const title = requestTitle(r);
  const age = ageLabel(r.createdAt);
  const approvals = r.decisions.filter(d => d.decision === 'approve').length;
  const requested = requestedCertificateOf(r);
  const verdict = verdictOf(r);
  // In-cluster requests are not resources the permission framework can load;
  // the queue lists only those the backend lets this approver decide.
  const permission = usePermitted(requestApprovePermission, id);
  const mayDecide = r.inCluster ? true : !permission.denied;

  const onKeyDown = (e: KeyboardEvent<HTMLTableRowElement>) => {
    if (e.target !== e.currentTarget || e.altKey || e.ctrlKey || e.metaKey)
      return;
    const decide = (run: () => void) => (mayDecide ? run : () => {});
    const actions: Record<string, () => void> = {
      a: decide(onApprove),
      d: decide(onDeny),
      x: () => {
        onToggle();
        onMove(1);
      },
      ' ': onToggle,
      A: act.approveSelected,
      D: act.denySelected,
      X: act.toggleAll,
      Enter: () => act.open(id),
      ArrowDown: () => onMove(1),
      j: () => onMove(1),
      ArrowUp: () => onMove(-1),
      k: () => onMove(-1),
    };
    const action = actions[e.key];
    if (action && !busy) {
      e.preventDefault();
      action();
    }
  };

  return (
    <TableRow
      ref={register}
      className={classes.row}
      hover
      selected={selected}
      tabIndex={0}
      onKeyDown={onKeyDown}
      aria-label={`Request ${title} by ${r.requester}`}
      data-testid={`approval-row-${r.id}`}
    >
      <TableCell padding="checkbox">
        <Checkbox
          checked={selected}
          onChange={onToggle}
          inputProps={{ 'aria-label': `Select ${title}` }}
        />
      </TableCell>
      <TableCell>
        <Typography variant="body2">
          <BreakableName text={r.entityRef} wholeWords />
        </Typography>
        <Typography variant="caption" color="textSecondary">
          <BreakableName text={r.ownerRef ?? 'no owner'} wholeWords />
        </Typography>
      </TableCell>
      <TableCell>
        <Typography variant="body2">
          <BreakableName text={title} />
        </Typography>
        <Typography variant="caption" color="textSecondary" display="block">
          <BreakableName text={requested.dnsNames.join(', ')} />
        </Typography>
        <OtherNames requested={requested} />
      </TableCell>
      <TableCell style={{ minWidth: 110, maxWidth: 220 }}>
        <RequestedSummary requested={requested} />
      </TableCell>
      <TableCell>
        <Typography variant="body2">
          <BreakableName text={r.requester} wholeWords />
        </Typography>
        {!r.inCluster && r.requesterIsOwner === false && (
          <Box my={0.5}>
            <Tooltip title="The requester does not belong to the entity's owner: review whether they should hold these names.">
              <Chip
                size="small"
                color="secondary"
                label={
                  <span style={{ whiteSpace: 'normal' }}>
                    requested by a non-owner
                  </span>
                }
                // A chip label never wraps by default, which would widen the column.
                style={{ height: 'auto', minHeight: 24 }}
              />
            </Tooltip>
          </Box>
        )}
        <Tooltip title={formatAbsolute(r.createdAt)}>
          <Typography variant="caption" color="textSecondary">
            {age === '0m' ? 'just now' : `${age} ago`}
          </Typography>
        </Tooltip>
      </TableCell>
      <TableCell>
        <Typography variant="body2">
          <BreakableName text={r.issuer} />
        </Typography>
        <Typography variant="caption" color="textSecondary">
          <BreakableName text={describeDelivery(r)} />
        </Typography>
        {r.inCluster && (
          <Box mt={0.5}>
            <Tooltip
              title={`cert-manager CertificateRequest ${r.inCluster.namespace}/${r.inCluster.name} in ${r.inCluster.cluster}`}
            >
              <Chip size="small" label="in-cluster" variant="outlined" />
            </Tooltip>
          </Box>
        )}
      </TableCell>
      <TableCell style={{ minWidth: 110, maxWidth: 240 }}>
        <Typography
          variant="body2"
          className={classes.prose}
          style={{ whiteSpace: 'pre-wrap' }}
        >
          {r.justification || '—'}
        </Typography>
      </TableCell>
      <TableCell style={{ minWidth: 110, maxWidth: 220 }}>
        <Typography variant="body2">{r.policyName}</Typography>
        {r.pendingReason && (
          <Typography variant="caption" color="textSecondary">
            {r.pendingReason}
          </Typography>
        )}
        <Typography variant="caption" display="block">
          {approvals}/{r.approvalsRequired} approvals
        </Typography>
        {!verdict.approvable && (
          <Typography variant="caption" display="block" color="error">
            Cannot be approved: {verdict.reason}
          </Typography>
        )}
        {!mayDecide && (
          <Typography variant="caption" display="block" color="textSecondary">
            You may not decide this request.
          </Typography>
        )}
      </TableCell>
      <TableCell padding="none">
        <Box display="flex" visibility={mayDecide ? 'visible' : 'hidden'}>
          <Tooltip title={verdict.approvable ? '' : verdict.reason}>
            {/* A disabled button gets no hover events: the span shows the reason. */}
            <span>
              <IconButton
                size="small"
                aria-label={`Approve ${title}`}
                onClick={onApprove}
                disabled={busy || !verdict.approvable}
              >
                <ApproveIcon />
              </IconButton>
            </span>
          </Tooltip>
          <IconButton
            size="small"
            aria-label={`Deny ${title}`}
            onClick={onDeny}
            disabled={busy}
          >
            <DenyIcon />
          </IconButton>
        </Box>
      </TableCell>
    </TableRow>
  );
});
