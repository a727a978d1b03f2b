import Tooltip from '@material-ui/core/Tooltip';
import { formatAbsolute, formatRelative } from './dates';

/** A date shown relative, with the absolute time on hover and for screen readers. */
export const DateText = ({ iso }: { iso: string }) => (
  <Tooltip title={formatAbsolute(iso)}>
    <time dateTime={iso} aria-label={formatAbsolute(iso)}>
      {formatRelative(iso)}
    </time>
  </Tooltip>
);
