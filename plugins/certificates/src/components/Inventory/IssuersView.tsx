import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { IssuerInfo } from '@kubecerts/backstage-plugin-certificates-common';
import { certificatesApiRef } from '../../api';
import { DenseTable } from '../common/DenseTable';
import { TimeText } from '../common';
import { formatFingerprint } from '../CertificateDetails/describe';

const columns: TableColumn<IssuerInfo>[] = [
  {
    title: 'Issuer',
    field: 'displayName',
    render: i => (
      <>
        {i.displayName}
        <br />
        <Typography variant="caption" color="textSecondary">
          {i.id} · {i.type}
        </Typography>
      </>
    ),
  },
  {
    title: 'CA subject',
    field: 'caCertificate.subject',
    render: i => i.caCertificate?.subject ?? 'not known',
  },
  {
    title: 'SHA-256 fingerprint',
    field: 'caCertificate.fingerprintSha256',
    render: i =>
      i.caCertificate ? (
        <Typography variant="caption" style={{ overflowWrap: 'anywhere' }}>
          {formatFingerprint(i.caCertificate.fingerprintSha256)}
        </Typography>
      ) : (
        '—'
      ),
  },
  {
    title: 'Valid from',
    field: 'caCertificate.notBefore',
    render: i => <TimeText value={i.caCertificate?.notBefore} />,
  },
  {
    title: 'Valid until',
    field: 'caCertificate.notAfter',
    render: i => <TimeText value={i.caCertificate?.notAfter} />,
  },
  {
    title: 'Delivers',
    field: 'deliveries',
    render: i =>
      `${i.deliveries.join(', ') || '—'}${
        i.supportsRevocation ? ' · revocation' : ''
      }`,
  },
];

/** The issuers the portal can issue from, with their CA certificates. */
export const IssuersView = () => {
  const api = useApi(certificatesApiRef);
  const { value, loading, error } = useAsync(() => api.listIssuers(), [api]);
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value || value.length === 0) {
    return (
      <EmptyState
        missing="data"
        title="No issuers"
        description="No issuer is configured. Configure one under certificates.issuers; the built-in CA is used when nothing else is set."
      />
    );
  }
  return (
    <DenseTable<IssuerInfo> title="Issuers" columns={columns} data={value} />
  );
};
