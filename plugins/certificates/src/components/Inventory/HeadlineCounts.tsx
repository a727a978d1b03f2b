import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import { CountsResponse } from '@kubecerts/backstage-plugin-certificates-common';
import { STATUS_COLORS } from '../common';

/** The headline numbers of the inventory. */
export const HeadlineCounts = (props: { counts: CountsResponse }) => {
  const { counts } = props;
  const s = counts.byStatus;
  const nonCompliant = Object.entries(counts.byFinding)
    .filter(([kind]) => kind !== 'unowned')
    .reduce((sum, [, n]) => sum + (n ?? 0), 0);
  const tiles = [
    { label: 'Certificates', value: counts.total },
    { label: 'Expired', value: s.expired ?? 0, color: STATUS_COLORS.expired },
    {
      label: 'Critical',
      value: s.critical ?? 0,
      color: STATUS_COLORS.critical,
    },
    {
      label: 'Expiring',
      value: s.expiring ?? 0,
      color: STATUS_COLORS.expiring,
    },
    { label: 'Valid', value: s.valid ?? 0, color: STATUS_COLORS.valid },
    { label: 'Unowned', value: counts.byFinding.unowned ?? 0 },
    { label: 'Findings (non-compliance)', value: nonCompliant },
  ];
  return (
    <Grid container spacing={2}>
      {tiles.map(t => (
        <Grid item xs={6} sm={4} md key={t.label}>
          <Paper variant="outlined">
            <Box p={2} textAlign="center" aria-label={`${t.label}: ${t.value}`}>
              <Typography
                variant="h4"
                component="div"
                style={{ color: t.value && t.color ? t.color : undefined }}
              >
                {t.value}
              </Typography>
              <Typography variant="caption">{t.label}</Typography>
            </Box>
          </Paper>
        </Grid>
      ))}
    </Grid>
  );
};
