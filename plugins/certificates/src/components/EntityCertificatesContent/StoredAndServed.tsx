import useAsync from 'react-use/esm/useAsync';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { InfoCard, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  CertificateListFilter,
  CertificateSummary,
} from '@kubecerts/backstage-plugin-certificates-common';
import { certificatesApiRef } from '../../api';
import { FindingChips } from '../common/findings';
import { whereText } from '../common/location';
import { pairStoredAndServed } from './storedAndServed';

const MAX_ROWS = 500;

const short = (fingerprint?: string) =>
  fingerprint ? `${fingerprint.slice(0, 12)}…` : '—';

const Certificate = (props: { row: CertificateSummary; label: string }) => (
  <>
    <Typography variant="body2">{props.label}</Typography>
    <Typography variant="caption" color="textSecondary">
      {short(props.row.fingerprintSha256)}
      {props.row.notAfter ? ` · until ${props.row.notAfter.slice(0, 10)}` : ''}
    </Typography>
  </>
);

/**
 * For each certificate of the entity: where it is stored (its Secret) and
 * what the endpoints that use its names actually serve, side by side.
 * Nothing is shown when no endpoint of the entity was scanned.
 */
export const StoredAndServed = (props: {
  scope: CertificateListFilter;
  /**
   * Asks only once this settles, and only if it settles true: the tab's
   * table has its first page first, as its request would otherwise wait on
   * this one in the backend (and it tells when the entity has nothing).
   */
  when?: Promise<boolean>;
}) => {
  const api = useApi(certificatesApiRef);
  const { value: pairs = [], error } = useAsync(async () => {
    if (props.when && !(await props.when)) return [];
    // Endpoints first: most entities have none, and then one request is all.
    const served = await api.listCertificates({
      ...props.scope,
      location: ['endpoint'],
      limit: MAX_ROWS,
    });
    if (served.items.length === 0) return [];
    const stored = await api.listCertificates({
      ...props.scope,
      location: ['cluster', 'portal'],
      limit: MAX_ROWS,
    });
    return pairStoredAndServed([...stored.items, ...served.items]);
  }, [api, props.scope, props.when]);
  if (error) return <ResponseErrorPanel error={error} />;
  if (pairs.length === 0) return null;
  return (
    <InfoCard title="Stored and served">
      <Table size="small" data-testid="stored-and-served">
        <TableHead>
          <TableRow>
            <TableCell>Stored</TableCell>
            <TableCell>Served</TableCell>
            <TableCell>Findings</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {pairs.flatMap(pair =>
            pair.served.map(endpoint => (
              <TableRow key={`${pair.stored?.id ?? '-'}/${endpoint.id}`}>
                <TableCell>
                  {pair.stored ? (
                    <Certificate
                      row={pair.stored}
                      label={`${whereText(pair.stored)} ${
                        pair.stored.namespace
                      }/${pair.stored.secretName}`}
                    />
                  ) : (
                    <Typography variant="body2" color="textSecondary">
                      No stored certificate of this entity covers this host
                    </Typography>
                  )}
                </TableCell>
                <TableCell>
                  <Certificate row={endpoint} label={endpoint.secretName} />
                </TableCell>
                <TableCell>
                  <FindingChips findings={endpoint.findings} />
                </TableCell>
              </TableRow>
            )),
          )}
        </TableBody>
      </Table>
    </InfoCard>
  );
};
