import Tooltip from '@material-ui/core/Tooltip';
import { absoluteTime, relativeTime } from './time';

/** A date shown relative, with the absolute time on hover and for screen readers. */
export const DateText = ({ iso }: { iso: string }) => (
  <Tooltip title={absoluteTime(iso)}>
    <time dateTime={iso} aria-label={absoluteTime(iso)}>
      {relativeTime(iso)}
    </time>
  </Tooltip>
);
