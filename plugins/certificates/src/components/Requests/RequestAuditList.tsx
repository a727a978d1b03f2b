import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { AuditRecord } from '@kubecerts/backstage-plugin-certificates-common';
import { formatAbsolute } from '../common/dates';

/** The request's audit trail, oldest first. */
export const RequestAuditList = ({ records }: { records: AuditRecord[] }) => {
  const sorted = [...records].sort((a, b) => a.at.localeCompare(b.at));
  return (
    <>
      <Typography variant="h6" component="h3">
        Audit trail
      </Typography>
      <List dense aria-label="Audit trail">
        {sorted.map(r => (
          <ListItem key={r.id} disableGutters>
            <ListItemText
              primary={`${formatAbsolute(r.at)} · ${r.action} by ${r.actor}${
                r.outcome === 'failure' ? ' (failed)' : ''
              }`}
              secondary={r.detail}
            />
          </ListItem>
        ))}
      </List>
    </>
  );
};
