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

/** Headline counts, the expiry timeline and the breakdowns for the filter. */
export const OverviewView = (props: {
  filter: CertificateListFilter;
  onPick: PickBreakdown;
}) => {
  const { filter, onPick } = props;
  const api = useApi(certificatesApiRef);
  const data = useAsync(async () => {
    const [counts, buckets, clusters] = await Promise.all([
      api.getCounts(filter),
      api.getTimeline({ ...filter, weeks: TIMELINE_WEEKS }),
      api.listClusters(),
    ]);
    return { counts, buckets, clusters };
  }, [api, filter]);

  if (data.loading) return <Progress />;
  if (data.error) return <ResponseErrorPanel error={data.error} />;
  const { counts, buckets, clusters } = data.value!;

  return (
    <Grid container spacing={3}>
      {clusters.length === 0 && (
        <Grid item xs={12}>
          <NoClustersHelp />
        </Grid>
      )}
      <Grid item xs={12}>
        <HeadlineCounts counts={counts} />
      </Grid>
      <Grid item xs={12}>
        <InfoCard title={`Expiries in the next ${TIMELINE_WEEKS} weeks`}>
          <ExpiryTimelineChart buckets={buckets} />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <Breakdown counts={counts} onPick={onPick} />
      </Grid>
      <Grid item xs={12}>
        <IssuersView />
      </Grid>
    </Grid>
  );
};
