import Box from '@material-ui/core/Box';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { Link, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { CertificateSummary } from '@kubecerts/backstage-plugin-certificates-common';
import { rootRouteRef } from '../../routes';
import {
  BreakableName,
  CertificateStatusText,
  FindingChips,
  TimeText,
} from '../common';
import {
  ATTENTION_FINDINGS,
  useMyCertificatesNeedingAttention,
} from './useMyCertificatesNeedingAttention';

/** The inventory's path, or undefined where the app has not mounted it. */
function useInventoryLink(): (() => string) | undefined {
  try {
    return useRouteRef(rootRouteRef);
  } catch {
    return undefined;
  }
}

const Row = ({ c }: { c: CertificateSummary }) => (
  <ListItem divider disableGutters>
    <ListItemText
      disableTypography
      primary={
        <Typography variant="body1" component="div">
          <BreakableName text={c.commonName ?? c.dnsNames[0] ?? c.secretName} />{' '}
          <CertificateStatusText status={c.status} />
        </Typography>
      }
      secondary={
        <Typography variant="body2" component="div" color="textSecondary">
          {c.entityRef ? (
            <EntityRefLink entityRef={c.entityRef} />
          ) : (
            'No entity'
          )}
          {' · '}
          {c.notAfter ? (
            <>
              expires <TimeText value={c.notAfter} inline />
            </>
          ) : (
            'no expiry date'
          )}
          <Box>
            <FindingChips
              findings={c.findings.filter(f => ATTENTION_FINDINGS.includes(f))}
            />
          </Box>
        </Typography>
      }
    />
  </ListItem>
);

/** Props of the home page card. */
export interface MyCertificatesCardProps {
  /** How many certificates to list at most (default 5). */
  limit?: number;
}

/**
 * "My certificates that need attention": expiring, expired, weak or
 * untrusted certificates of the entities the signed-in user or their teams
 * own. The content of the home page card.
 */
export const MyCertificatesCard = (props: MyCertificatesCardProps) => {
  const limit = props.limit ?? 5;
  const { value, loading, error } = useMyCertificatesNeedingAttention(limit);
  const inventory = useInventoryLink();

  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value || value.items.length === 0) {
    return (
      <Typography variant="body2">
        Nothing needs attention: no certificate you own is expiring, expired,
        weak or untrusted.
      </Typography>
    );
  }
  const params = new URLSearchParams(value.ownerRefs.map(o => ['owner', o]));
  return (
    <>
      <List dense aria-label="Certificates that need attention">
        {value.items.map(c => (
          <Row key={c.id} c={c} />
        ))}
      </List>
      {inventory && (
        <Box mt={1}>
          <Link to={`${inventory()}?${params}`}>
            {value.more ? 'See all in the inventory' : 'Open the inventory'}
          </Link>
        </Box>
      )}
    </>
  );
};
