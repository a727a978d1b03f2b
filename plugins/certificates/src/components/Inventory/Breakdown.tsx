import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Link from '@material-ui/core/Link';
import Typography from '@material-ui/core/Typography';
import { InfoCard } from '@backstage/core-components';
import { CountsResponse } from '@kubecerts/backstage-plugin-certificates-common';

interface Row {
  label: string;
  count: number;
  onClick: () => void;
}

const BreakdownList = (props: { title: string; rows: Row[] }) => {
  const max = Math.max(1, ...props.rows.map(r => r.count));
  return (
    <InfoCard title={props.title} noPadding={false}>
      {props.rows.length === 0 && (
        <Typography variant="body2">None.</Typography>
      )}
      {props.rows.slice(0, 10).map(row => (
        <Box key={row.label} mb={1}>
          <Box display="flex" justifyContent="space-between">
            <Link component="button" variant="body2" onClick={row.onClick}>
              {row.label}
            </Link>
            <Typography variant="body2">{row.count}</Typography>
          </Box>
          <Box
            height={4}
            bgcolor="primary.main"
            width={`${(row.count / max) * 100}%`}
          />
        </Box>
      ))}
      {props.rows.length > 10 && (
        <Typography variant="caption">
          and {props.rows.length - 10} more
        </Typography>
      )}
    </InfoCard>
  );
};

/** Filters the table to one row of a breakdown. */
export type PickBreakdown = (
  key: 'cluster' | 'issuer' | 'owner' | 'unowned',
  value?: string,
) => void;

/** Counts by cluster, issuer and owner; a click filters the table to that row. */
export const Breakdown = (props: {
  counts: CountsResponse;
  onPick: PickBreakdown;
}) => {
  const { counts, onPick } = props;
  const lists = [
    {
      title: 'By cluster',
      rows: counts.byCluster.map(c => ({
        label: c.cluster,
        count: c.count,
        onClick: () => onPick('cluster', c.cluster),
      })),
    },
    {
      title: 'By issuer',
      rows: counts.byIssuer.map(c => ({
        label: c.issuer,
        count: c.count,
        onClick: () => onPick('issuer', c.issuer),
      })),
    },
    {
      title: 'By owner',
      rows: counts.byOwner.map(c => ({
        label: c.owner ?? 'Unowned',
        count: c.count,
        onClick: () => (c.owner ? onPick('owner', c.owner) : onPick('unowned')),
      })),
    },
  ];
  return (
    <Grid container spacing={2}>
      {lists.map(list => (
        <Grid item xs={12} md={4} key={list.title}>
          <BreakdownList title={list.title} rows={list.rows} />
        </Grid>
      ))}
    </Grid>
  );
};
