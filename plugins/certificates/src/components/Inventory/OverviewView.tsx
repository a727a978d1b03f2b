import Grid from '@material-ui/core/Grid';
import useAsync from 'react-use/esm/useAsync';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { CertificateListFilter } from '@kubecerts/backstage-plugin-certificates-common';
import { certificatesApiRef } from '../../api';
import { HeadlineCounts } from './HeadlineCounts';
import { ExpiryTimelineChart } from './ExpiryTimelineChart';
import { Breakdown, PickBreakdown } from './Breakdown';
import { IssuersView } from './IssuersView';
import { NoClustersHelp } from './NoClustersHelp';

export const TIMELINE_WEEKS = 12;

/**
 * Headline counts, the expiry timeline and the breakdowns for the filter.
 * Each part shows as soon as its own answer is in: the counts do not wait
 * for the timeline or the clusters.
 */
export const OverviewView = (props: {
  filter: CertificateListFilter;
  onPick: PickBreakdown;
}) => {
  const { filter, onPick } = props;
  const api = useApi(certificatesApiRef);
  const counts = useAsync(() => api.getCounts(filter), [api, filter]);
  const buckets = useAsync(
    () => api.getTimeline({ ...filter, weeks: TIMELINE_WEEKS }),
    [api, filter],
  );
  const clusters = useAsync(() => api.listClusters(), [api]);

  if (counts.loading) return <Progress />;
  if (counts.error) return <ResponseErrorPanel error={counts.error} />;

  return (
    <Grid container spacing={3}>
      {clusters.error && (
        <Grid item xs={12}>
          <ResponseErrorPanel error={clusters.error} />
        </Grid>
      )}
      {clusters.value?.length === 0 && (
        <Grid item xs={12}>
          <NoClustersHelp />
        </Grid>
      )}
      <Grid item xs={12}>
        <HeadlineCounts counts={counts.value!} />
      </Grid>
      <Grid item xs={12}>
        <InfoCard title={`Expiries in the next ${TIMELINE_WEEKS} weeks`}>
          {buckets.error && <ResponseErrorPanel error={buckets.error} />}
          {buckets.loading && <Progress />}
          {buckets.value && <ExpiryTimelineChart buckets={buckets.value} />}
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <Breakdown counts={counts.value!} onPick={onPick} />
      </Grid>
      <Grid item xs={12}>
        <IssuersView />
      </Grid>
    </Grid>
  );
};
