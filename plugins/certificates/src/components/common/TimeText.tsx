import Typography from '@material-ui/core/Typography';
import { formatAbsolute, formatRelative } from './dates';

/** A time shown relative ("in 12 days") with the absolute instant beside it. */
export const TimeText = (props: { value?: string; inline?: boolean }) => {
  const { value, inline } = props;
  if (!value) {
    return <>—</>;
  }
  const absolute = formatAbsolute(value);
  return (
    <span title={absolute}>
      {formatRelative(value)}
      {inline ? ' ' : <br />}
      <Typography component="span" variant="caption" color="textSecondary">
        {inline ? `(${absolute})` : absolute}
      </Typography>
    </span>
  );
};
