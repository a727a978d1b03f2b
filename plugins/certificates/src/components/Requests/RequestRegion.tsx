import { ReactNode } from 'react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { CertificateRequest } from '@kubecerts/backstage-plugin-certificates-common';
import { requestTitle } from './describe';
import { RequestStateChip } from './RequestStateChip';

/** A request's panel: a region named after it, headed by its title and state. */
export const RequestRegion = (props: {
  request: CertificateRequest;
  children: ReactNode;
}) => (
  <Box
    role="region"
    aria-label={`Certificate request ${requestTitle(props.request)}`}
  >
    <Box display="flex" alignItems="center" justifyContent="space-between">
      <Typography variant="h5" component="h2">
        {requestTitle(props.request)}
      </Typography>
      <RequestStateChip state={props.request.state} />
    </Box>
    {props.children}
  </Box>
);
