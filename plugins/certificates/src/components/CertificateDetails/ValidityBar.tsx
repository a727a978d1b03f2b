import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { CertificateStatus } from '@kubecerts/backstage-plugin-certificates-common';
import { STATUS_COLORS } from '../common';
import { formatAbsolute } from '../common';

/** How much of the lifetime has passed, as a bar from notBefore to notAfter. */
export function elapsedFraction(
  notBefore: string,
  notAfter: string,
  now: Date = new Date(),
): number {
  const start = new Date(notBefore).getTime();
  const end = new Date(notAfter).getTime();
  if (!(end > start)) return 1;
  return Math.min(1, Math.max(0, (now.getTime() - start) / (end - start)));
}

export const ValidityBar = (props: {
  notBefore?: string;
  notAfter?: string;
  status: CertificateStatus;
}) => {
  const { notBefore, notAfter, status } = props;
  if (!notBefore || !notAfter) {
    return <Typography variant="body2">Validity unknown</Typography>;
  }
  const fraction = elapsedFraction(notBefore, notAfter);
  const percent = Math.round(fraction * 100);
  return (
    <Box>
      <Box
        role="progressbar"
        aria-label="Lifetime used"
        aria-valuenow={percent}
        aria-valuemin={0}
        aria-valuemax={100}
        height={10}
        borderRadius={5}
        bgcolor="action.hover"
        overflow="hidden"
      >
        <Box
          height="100%"
          width={`${percent}%`}
          style={{ backgroundColor: STATUS_COLORS[status] }}
        />
      </Box>
      <Box display="flex" justifyContent="space-between" mt={0.5}>
        <Typography variant="caption">{formatAbsolute(notBefore)}</Typography>
        <Typography variant="caption">{percent}% of lifetime used</Typography>
        <Typography variant="caption">{formatAbsolute(notAfter)}</Typography>
      </Box>
    </Box>
  );
};
