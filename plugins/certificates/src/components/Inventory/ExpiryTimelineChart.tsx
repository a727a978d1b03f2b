import { ReactNode } from 'react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import {
  CertificateStatus,
  TimelineBucket,
} from '@kubecerts/backstage-plugin-certificates-common';
import {
  FlexRow,
  formatUtcDay,
  STATUS_COLORS,
  STATUS_LABELS,
  STATUS_ORDER,
} from '../common';

const WIDTH = 720;
const HEIGHT = 200;
const AXIS = 24;

export function describeBucket(bucket: TimelineBucket): string {
  const parts = STATUS_ORDER.filter(s => bucket.byStatus[s]).map(
    s => `${bucket.byStatus[s]} ${STATUS_LABELS[s].toLocaleLowerCase('en-US')}`,
  );
  return `Week of ${bucket.weekStart.slice(0, 10)}: ${bucket.total} expiring${
    parts.length ? ` (${parts.join(', ')})` : ''
  }`;
}

/** A small centred label in the chart's text colour. */
const Label = (props: { x: number; y: number; children: ReactNode }) => (
  <text
    x={props.x}
    y={props.y}
    textAnchor="middle"
    fontSize={11}
    fill="currentColor"
  >
    {props.children}
  </text>
);

/** Expiries per week, stacked by status, drawn as plain SVG. */
export const ExpiryTimelineChart = (props: { buckets: TimelineBucket[] }) => {
  const { buckets } = props;
  const max = Math.max(1, ...buckets.map(b => b.total));
  const slot = buckets.length ? WIDTH / buckets.length : WIDTH;
  const barWidth = Math.max(4, slot * 0.7);
  const scale = (HEIGHT - AXIS) / max;
  const present = STATUS_ORDER.filter(s => buckets.some(b => b.byStatus[s]));

  return (
    <Box>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        width="100%"
        role="img"
        aria-label="Certificate expiries per week"
        style={{ maxHeight: 240 }}
      >
        {buckets.map((bucket, i) => {
          let y = HEIGHT - AXIS;
          const x = i * slot + (slot - barWidth) / 2;
          return (
            <g key={bucket.weekStart} data-testid="timeline-week">
              <title>{describeBucket(bucket)}</title>
              {STATUS_ORDER.map((status: CertificateStatus) => {
                const n = bucket.byStatus[status] ?? 0;
                if (!n) return null;
                const h = n * scale;
                y -= h;
                return (
                  <rect
                    key={status}
                    x={x}
                    y={y}
                    width={barWidth}
                    height={h}
                    fill={STATUS_COLORS[status]}
                  />
                );
              })}
              {bucket.total > 0 && (
                <Label x={x + barWidth / 2} y={y - 4}>
                  {bucket.total}
                </Label>
              )}
              <Label x={x + barWidth / 2} y={HEIGHT - 6}>
                {formatUtcDay(bucket.weekStart)}
              </Label>
            </g>
          );
        })}
      </svg>
      <Box display="flex" flexWrap="wrap" style={{ gap: 12 }}>
        {present.map(status => (
          <FlexRow key={status} gap={4}>
            <Box
              width={12}
              height={12}
              style={{ backgroundColor: STATUS_COLORS[status] }}
            />
            <Typography variant="caption">{STATUS_LABELS[status]}</Typography>
          </FlexRow>
        ))}
        {present.length === 0 && (
          <Typography variant="body2">
            Nothing expires in the next {buckets.length} weeks.
          </Typography>
        )}
      </Box>
    </Box>
  );
};
