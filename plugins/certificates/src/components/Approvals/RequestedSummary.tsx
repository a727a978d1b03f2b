import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import {
  caCertificateReasons,
  RequestedCertificate,
} from '@kubecerts/backstage-plugin-certificates-common';
import { BreakableName } from '../common';
import { describeDuration, describeKey } from '../Requests';

/** The names beyond DNS of a queue row, one line per type ("IP 10.0.0.7, …"). */
export const OtherNames = ({
  requested,
}: {
  requested: RequestedCertificate;
}) => {
  const lines: Array<[string, string[]]> = [
    ['IP', requested.ipAddresses],
    ['URI', requested.uris],
    ['Email', requested.emails],
  ];
  return (
    <>
      {lines
        .filter(([, values]) => values.length)
        .map(([label, values]) => (
          <Typography
            key={label}
            variant="caption"
            display="block"
            color="textSecondary"
          >
            <BreakableName text={`${label} ${values.join(', ')}`} />
          </Typography>
        ))}
    </>
  );
};

/**
 * The rest of what the certificate will be, in a queue row: key, lifetime,
 * usages, and a plain warning for a CA certificate or an unreadable CSR.
 */
export const RequestedSummary = ({
  requested,
}: {
  requested: RequestedCertificate;
}) => {
  const ca = caCertificateReasons(requested);
  const usages = [...requested.keyUsages, ...requested.extendedKeyUsages];
  return (
    <Box>
      <Typography variant="body2">
        {describeKey(requested.key)} · {describeDuration(requested)}
      </Typography>
      <Typography variant="caption" color="textSecondary" display="block">
        {usages.join(', ') || 'no usages named'}
      </Typography>
      {ca.length > 0 && (
        <Tooltip title={ca.join('; ')}>
          <Chip size="small" color="secondary" label="CA certificate" />
        </Tooltip>
      )}
      {requested.csrError && (
        <Tooltip title={requested.csrError}>
          <Chip size="small" color="secondary" label="CSR unreadable" />
        </Tooltip>
      )}
      {requested.csrExtensions.length > 0 && (
        <Typography variant="caption" color="textSecondary" display="block">
          CSR asks for: {requested.csrExtensions.map(e => e.name).join(', ')}
        </Typography>
      )}
    </Box>
  );
};
