import Typography from '@material-ui/core/Typography';
import { EmptyState } from '@backstage/core-components';

/** What to do when no cluster is configured. */
export const NoClustersHelp = () => (
  <EmptyState
    missing="data"
    title="No clusters configured"
    description={
      <Typography variant="body2" component="span">
        Certificates are discovered in Kubernetes clusters. Add one under the
        configuration key <code>certificates.clusters</code> in app-config.yaml
        (a name and a service account token or kubeconfig context for each
        cluster), then restart the backend.
      </Typography>
    }
  />
);
