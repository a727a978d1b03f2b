import useAsync from 'react-use/esm/useAsync';
import { useApi } from '@backstage/core-plugin-api';
import { CertificateListFilter } from '@kubecerts/backstage-plugin-certificates-common';
import { certificatesApiRef } from '../../api';
import { CertificateFilters } from '../common/CertificateFilters';
import { UserFilter } from '../common/filterParams';

/** The entity's certificates (`scope`) and the filter the user set on them. */
export interface FilterPanelProps {
  scope: CertificateListFilter;
  value: UserFilter;
  onChange: (next: UserFilter) => void;
}

/**
 * The filter controls of the tab, loaded when the user opens them. The
 * entity's counts give the clusters and issuers that occur, as choices.
 */
export const FilterPanel = (props: FilterPanelProps) => {
  const { scope, value, onChange } = props;
  const api = useApi(certificatesApiRef);
  const counts = useAsync(() => api.getCounts(scope), [api, scope]);
  return (
    <CertificateFilters
      value={value}
      onChange={onChange}
      hide={['owner']}
      search={false}
      options={{
        cluster: counts.value?.byCluster.map(c => c.cluster),
        issuer: counts.value?.byIssuer.map(i => i.issuer),
      }}
    />
  );
};
