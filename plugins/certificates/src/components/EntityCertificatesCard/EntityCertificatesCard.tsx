import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { useEffect } from 'react';
import useAsync from 'react-use/esm/useAsync';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity, useEntityRefLink } from '@backstage/plugin-catalog-react';
import { CountsResponse } from '@kubecerts/backstage-plugin-certificates-common';
import { certificatesApiRef } from '../../api';
import { loadEntityCertificatesContent } from '../entityTabLoader';
import {
  CertificateStatusText,
  NoCertificatesHelp,
  STATUS_COLORS,
  TimeText,
  entityScope,
} from '../common';

/** The five numbers an owner looks at; rarer statuses are counted as other. */
export function summarizeCounts(counts: CountsResponse) {
  const s = counts.byStatus;
  return {
    valid: s.valid ?? 0,
    expiring: s.expiring ?? 0,
    critical: s.critical ?? 0,
    expired: s.expired ?? 0,
    other: (s['not-yet-valid'] ?? 0) + (s.unparseable ?? 0),
    findings: Object.values(counts.byFinding).reduce(
      (sum, n) => sum + (n ?? 0),
      0,
    ),
  };
}

const TILES = [
  { key: 'valid', label: 'Valid', color: STATUS_COLORS.valid },
  { key: 'expiring', label: 'Expiring', color: STATUS_COLORS.expiring },
  { key: 'critical', label: 'Critical', color: STATUS_COLORS.critical },
  { key: 'expired', label: 'Expired', color: STATUS_COLORS.expired },
  { key: 'other', label: 'Other', color: STATUS_COLORS.unparseable },
] as const;

/**
 * Fetches the Certificates tab's code once the browser is idle, so that
 * opening the tab from the card or the tab bar does not wait for its chunks.
 */
function usePrefetchTab(when: boolean) {
  useEffect(() => {
    if (!when) return undefined;
    const load = () => {
      loadEntityCertificatesContent().catch(() => {
        // The tab loads it again when opened (and shows any error then).
      });
    };
    // Not in every browser (nor in jsdom).
    if (typeof window.requestIdleCallback === 'function') {
      const handle = window.requestIdleCallback(load);
      return () => window.cancelIdleCallback(handle);
    }
    const timer = setTimeout(load, 500);
    return () => clearTimeout(timer);
  }, [when]);
}

/** Certificate health of the current entity, for its overview page. */
export const EntityCertificatesCard = () => {
  const { entity } = useEntity();
  const api = useApi(certificatesApiRef);
  const entityLink = useEntityRefLink();
  const { value, loading, error } = useAsync(
    () => api.getCounts(entityScope(entity)),
    [api, entity],
  );
  // Once the card has its figures: the tab is the likely next step.
  usePrefetchTab(!loading);
  const tabLink = `${entityLink(entity)}/certificates`;

  let content: JSX.Element;
  if (loading) {
    content = <Progress />;
  } else if (error) {
    content = <ResponseErrorPanel error={error} />;
  } else if (!value || value.total === 0) {
    content = <NoCertificatesHelp entity={entity} />;
  } else {
    const summary = summarizeCounts(value);
    const nearest = value.nearestExpiry;
    content = (
      <Box>
        <Grid container spacing={1}>
          {TILES.map(tile => (
            <Grid item xs key={tile.key}>
              <Box
                textAlign="center"
                aria-label={`${tile.label}: ${summary[tile.key]}`}
              >
                <Typography
                  variant="h4"
                  component="div"
                  style={{ color: summary[tile.key] ? tile.color : undefined }}
                >
                  {summary[tile.key]}
                </Typography>
                <Typography variant="caption">{tile.label}</Typography>
              </Box>
            </Grid>
          ))}
        </Grid>
        {nearest?.notAfter && (
          <Box mt={2}>
            <Typography variant="subtitle2">Nearest expiry</Typography>
            <Typography variant="body2" component="div">
              {nearest.commonName ?? nearest.dnsNames[0] ?? nearest.secretName}{' '}
              <CertificateStatusText status={nearest.status} />
            </Typography>
            <Typography variant="body2" component="div">
              Expires <TimeText value={nearest.notAfter} inline />
            </Typography>
          </Box>
        )}
        <Box mt={2}>
          <Typography variant="body2">
            {value.total} certificate{value.total === 1 ? '' : 's'},{' '}
            {summary.findings === 0
              ? 'no findings'
              : `${summary.findings} finding${
                  summary.findings === 1 ? '' : 's'
                }`}
          </Typography>
        </Box>
      </Box>
    );
  }

  return (
    <InfoCard
      title="Certificates"
      deepLink={{ title: 'View certificates', link: tabLink }}
    >
      {content}
    </InfoCard>
  );
};
