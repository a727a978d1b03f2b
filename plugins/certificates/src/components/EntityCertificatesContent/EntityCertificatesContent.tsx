import { ReactNode, useMemo, useState } from 'react';
import Typography from '@material-ui/core/Typography';
import { ResponseErrorPanel } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { SELECTED_CERTIFICATE_PARAM } from '@kubecerts/backstage-plugin-certificates-common';
import { CertificatesTable } from '../common/CertificatesTable';
import { NoCertificatesHelp } from '../common/NoCertificatesHelp';
import { entityScope } from '../common/entityScope';
import {
  mergeFilters,
  toApiFilter,
  useFilterParams,
  useSearchParam,
} from '../common/filterParams';
import { useLazyModule } from '../common/useLazyModule';
import { TabFilters } from './TabFilters';
import { TabToolbar } from './TabToolbar';
import { StoredAndServed } from './StoredAndServed';

// Details load when a certificate is first selected.
const loadDetails = () =>
  import('../CertificateDetails/CertificateDetailsDrawer');

export interface EntityCertificatesContentProps {
  /** Replaces the default toolbar above the table (request button, requests). */
  toolbar?: ReactNode;
}

/** The Certificates tab of an entity; a team's tab covers what its entities own. */
export const EntityCertificatesContent = (
  props: EntityCertificatesContentProps,
) => {
  const { entity } = useEntity();
  const scope = useMemo(() => entityScope(entity), [entity]);
  const [userFilter, setUserFilter] = useFilterParams();
  const [selected, setSelected] = useSearchParam(SELECTED_CERTIFICATE_PARAM);
  // Once loaded, the drawer stays mounted so that it can animate closed.
  const details = useLazyModule(loadDetails, !!selected);
  const CertificateDetailsDrawer = details.value?.CertificateDetailsDrawer;
  const isGroup = entity.kind.toLocaleLowerCase('en-US') === 'group';

  const apiFilter = useMemo(() => toApiFilter(userFilter), [userFilter]);
  const filter = useMemo(
    () => mergeFilters(scope, apiFilter),
    [scope, apiFilter],
  );
  const filtered = Object.keys(apiFilter).length > 0;
  // Stored-and-served asks for endpoint rows once the table has its first
  // page (none when the entity has no certificates at all).
  const [firstPage] = useState(() => {
    let settle: (value: boolean) => void = () => {};
    const shown = new Promise<boolean>(resolve => {
      settle = resolve;
    });
    return { shown, settle };
  });

  return (
    <>
      {props.toolbar ?? <TabToolbar entity={entity} />}
      <TabFilters scope={scope} value={userFilter} onChange={setUserFilter} />
      <CertificatesTable
        title={isGroup ? 'Certificates of this team' : 'Certificates'}
        filter={filter}
        onSelect={setSelected}
        showOwner={isGroup}
        onFirstPage={response =>
          firstPage.settle(filtered || response.totalCount > 0)
        }
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
      <StoredAndServed scope={scope} when={firstPage.shown} />
      {details.error && <ResponseErrorPanel error={details.error} />}
      {CertificateDetailsDrawer && (
        <CertificateDetailsDrawer
          id={selected}
          onClose={() => setSelected(undefined)}
        />
      )}
    </>
  );
};
