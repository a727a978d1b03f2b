import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { ApprovalDecision } from '@kubecerts/backstage-plugin-certificates-common';
import { DateText } from '../common/DateText';

/** Who decided, when, and why. */
export const DecisionList = ({
  decisions,
}: {
  decisions: ApprovalDecision[];
}) => (
  <>
    <Typography variant="h6" component="h3">
      Decisions
    </Typography>
    {decisions.length === 0 ? (
      <Typography variant="body2">No decisions yet.</Typography>
    ) : (
      <List dense aria-label="Decisions">
        {decisions.map(d => (
          <ListItem key={`${d.actor}-${d.at}`} disableGutters>
            <ListItemText
              primary={
                <>
                  {d.decision === 'approve' ? 'Approved' : 'Denied'} by{' '}
                  {d.actor} <DateText iso={d.at} />
                </>
              }
              secondary={d.reason}
              secondaryTypographyProps={{ style: { whiteSpace: 'pre-wrap' } }}
            />
          </ListItem>
        ))}
      </List>
    )}
  </>
);
