import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { StructuredMetadataTable } from '@backstage/core-components';
import {
  caCertificateReasons,
  CertificateRequest,
  requestedCertificateOf,
} from '@kubecerts/backstage-plugin-certificates-common';
import { describeDuration, describeKey } from './describe';

const list = (values: string[]) => values.join(', ') || '—';

export interface RequestedCertificateTableProps {
  request: CertificateRequest;
}

/**
 * Everything the certificate will contain: every name type, CA or not,
 * usages, lifetime, key and each extension the CSR asks for. Values are
 * shown as text: they come from the requester or the cluster.
 */
export const RequestedCertificateTable = ({
  request,
}: RequestedCertificateTableProps) => {
  const requested = requestedCertificateOf(request);
  const ca = caCertificateReasons(requested);
  const verdict = request.approvability;
  return (
    <Box my={1} data-testid="requested-certificate">
      <Typography variant="h6" component="h3">
        What the certificate will contain
      </Typography>
      {ca.length > 0 && (
        <Alert severity="error">A CA certificate: {ca.join('; ')}.</Alert>
      )}
      {requested.csrError && (
        <Alert severity="error">
          The CSR cannot be read: {requested.csrError}.
        </Alert>
      )}
      {verdict && !verdict.approvable && (
        <Alert severity="warning">Cannot be approved: {verdict.reason}</Alert>
      )}
      <StructuredMetadataTable
        dense
        metadata={{
          ...(requested.subject ? { Subject: requested.subject } : {}),
          'Common name': requested.commonName || '—',
          'DNS names': list(requested.dnsNames),
          'IP addresses': list(requested.ipAddresses),
          URIs: list(requested.uris),
          'Email addresses': list(requested.emails),
          'CA certificate': ca.length ? 'yes' : 'no',
          'Key usages': list(requested.keyUsages),
          'Extended key usages': list(requested.extendedKeyUsages),
          Validity: describeDuration(requested),
          Key: describeKey(requested.key),
          ...(requested.csrExtensions.length
            ? {
                'CSR extensions': requested.csrExtensions.map(
                  e =>
                    `${e.name}${e.critical ? ' (critical)' : ''}: ${
                      e.value || '—'
                    }`,
                ),
              }
            : {}),
        }}
      />
    </Box>
  );
};
