import { ReactNode } from 'react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';

export const Section = (props: { title: string; children: ReactNode }) => (
  <Box component="section" mb={3}>
    <Typography variant="h6" component="h3" gutterBottom>
      {props.title}
    </Typography>
    {props.children}
  </Box>
);

/** One labelled value; long values (DNs, fingerprints) wrap. */
export const Field = (props: { label: string; children: ReactNode }) => (
  <Box display="flex" mb={0.5}>
    <Box flex="0 0 160px">
      <Typography variant="body2" color="textSecondary">
        {props.label}
      </Typography>
    </Box>
    <Box flex="1" minWidth={0} style={{ overflowWrap: 'anywhere' }}>
      <Typography variant="body2" component="div">
        {props.children}
      </Typography>
    </Box>
  </Box>
);
