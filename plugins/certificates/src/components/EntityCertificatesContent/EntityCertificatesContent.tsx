import { ReactNode, useMemo } from 'react';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { certificatesApiRef } from '../../api';
import {
  CertificateFilters,
  CertificatesTable,
  NoCertificatesHelp,
  entityScope,
  mergeFilters,
  toApiFilter,
  useFilterParams,
  useSearchParam,
} from '../common';
import { CertificateDetailsDrawer } from '../CertificateDetails';
import { TabToolbar } from './TabToolbar';

export interface EntityCertificatesContentProps {
  /** Replaces the default toolbar above the table (request button, requests). */
  toolbar?: ReactNode;
}

/** The Certificates tab of an entity; a team's tab covers what its entities own. */
export const EntityCertificatesContent = (
  props: EntityCertificatesContentProps,
) => {
  const { entity } = useEntity();
  const api = useApi(certificatesApiRef);
  const scope = useMemo(() => entityScope(entity), [entity]);
  const [userFilter, setUserFilter] = useFilterParams();
  const [selected, setSelected] = useSearchParam('certificate');
  const isGroup = entity.kind.toLocaleLowerCase('en-US') === 'group';

  // Counts give the clusters and issuers that occur, as filter choices.
  const counts = useAsync(() => api.getCounts(scope), [api, scope]);
  const filter = useMemo(
    () => mergeFilters(scope, toApiFilter(userFilter)),
    [scope, userFilter],
  );
  const filtered = Object.keys(toApiFilter(userFilter)).length > 0;

  return (
    <>
      {props.toolbar ?? <TabToolbar entity={entity} />}
      <CertificateFilters
        value={userFilter}
        onChange={setUserFilter}
        hide={['owner']}
        options={{
          cluster: counts.value?.byCluster.map(c => c.cluster),
          issuer: counts.value?.byIssuer.map(i => i.issuer),
        }}
      />
      <CertificatesTable
        title={isGroup ? 'Certificates of this team' : 'Certificates'}
        filter={filter}
        onSelect={setSelected}
        showOwner={isGroup}
        emptyContent={
          <div style={{ padding: 16 }}>
            {filtered ? (
              <Typography variant="body2">
                No certificates match these filters.
              </Typography>
            ) : (
              <NoCertificatesHelp entity={entity} />
            )}
          </div>
        }
      />
      <CertificateDetailsDrawer
        id={selected}
        onClose={() => setSelected(undefined)}
      />
    </>
  );
};
