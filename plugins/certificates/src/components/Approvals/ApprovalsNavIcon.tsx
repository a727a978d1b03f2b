import Badge from '@material-ui/core/Badge';
import ApprovalIcon from '@material-ui/icons/AssignmentTurnedIn';
import { usePendingApprovalsCount } from './usePendingApprovalsCount';

/** The Approvals nav icon, with a badge counting the requests waiting for the signed-in user. */
export const ApprovalsNavIcon = () => {
  const count = usePendingApprovalsCount();
  return (
    <Badge
      badgeContent={count}
      color="secondary"
      max={99}
      invisible={!count}
      overlap="rectangular"
      aria-label={count ? `${count} requests waiting for approval` : undefined}
    >
      <ApprovalIcon />
    </Badge>
  );
};
