import Typography from '@material-ui/core/Typography';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { CertificateDetailsWithActions, certificatesApiRef } from '../../api';
import { TimeText } from '../common';
import { Field, Section } from './Section';

const SOURCES: Record<string, string> = {
  annotation: "the entity's tls-endpoints annotation",
  api: "the API entity's server URLs",
  ingress: 'an Ingress TLS host',
  gateway: 'a Gateway TLS listener',
};

/**
 * Where an endpoint's certificate was served and how the last scans went:
 * the address it connected to, the last successful handshake, the last error.
 */
export const EndpointSection = (props: {
  certificate: CertificateDetailsWithActions;
}) => {
  const { certificate: c } = props;
  const api = useApi(certificatesApiRef);
  const {
    value: status,
    loading,
    error,
  } = useAsync(() => api.getEndpointScanStatus(c.id), [api, c.id]);
  return (
    <Section title="Where it is served">
      <Field label="Endpoint">
        {status ? `${status.host}:${status.port}` : c.secretName}
      </Field>
      {loading && <Progress />}
      {error && (
        <Typography variant="body2" color="textSecondary">
          No scan status: {error.message}
        </Typography>
      )}
      {status && (
        <>
          <Field label="Declared by">
            {SOURCES[status.source] ?? status.source} ({status.origin})
          </Field>
          <Field label="Address">{status.resolvedAddress ?? '—'}</Field>
          <Field label="Last scanned">
            <TimeText value={status.lastAttemptAt} inline />
          </Field>
          <Field label="Last answered">
            {status.lastSeenAt ? (
              <TimeText value={status.lastSeenAt} inline />
            ) : (
              'never'
            )}
          </Field>
          {status.lastError && (
            <Field label="Last error">
              <Typography variant="body2" color="error" component="span">
                {status.lastError}
              </Typography>
            </Field>
          )}
        </>
      )}
    </Section>
  );
};
