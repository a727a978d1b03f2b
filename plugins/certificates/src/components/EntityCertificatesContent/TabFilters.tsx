import { useState } from 'react';
import Badge from '@material-ui/core/Badge';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import FilterListIcon from '@material-ui/icons/FilterList';
import { ResponseErrorPanel } from '@backstage/core-components';
import { SearchField } from '../common/SearchField';
import { UserFilter } from '../common/filterParams';
import { useLazyModule } from '../common/useLazyModule';
import type { FilterPanelProps } from './FilterPanel';

// The autocomplete controls are the heaviest part of the tab: they load
// only when the user opens them (or a link arrives with filters set).
const loadFilterPanel = () => import('./FilterPanel');

/** Counts the filters set, beside the free text. */
export function activeFilterCount(filter: UserFilter): number {
  return (
    filter.status.length +
    filter.finding.length +
    filter.location.length +
    filter.cluster.length +
    filter.namespace.length +
    filter.issuer.length
  );
}

/** Search box and, behind a button, the filters of an entity's certificates. */
export const TabFilters = (props: FilterPanelProps) => {
  const { scope, value, onChange } = props;
  const active = activeFilterCount(value);
  // Open at first when a shared link already sets filters.
  const [shown, setShown] = useState(active > 0);
  const panel = useLazyModule(loadFilterPanel, shown);
  const FilterPanel = panel.value?.FilterPanel;

  return (
    <Box mb={2}>
      <Box display="flex" alignItems="center" style={{ gap: 8 }}>
        <SearchField
          value={value.q}
          onChange={q => onChange({ ...value, q })}
        />
        <Button
          size="small"
          aria-expanded={shown}
          onClick={() => setShown(!shown)}
          startIcon={
            <Badge
              badgeContent={active > 0 ? active : undefined}
              color="primary"
            >
              <FilterListIcon />
            </Badge>
          }
        >
          {shown ? 'Hide filters' : 'Filters'}
        </Button>
      </Box>
      {shown && (
        <Box mt={2}>
          {panel.error && <ResponseErrorPanel error={panel.error} />}
          {FilterPanel && (
            <FilterPanel scope={scope} value={value} onChange={onChange} />
          )}
        </Box>
      )}
    </Box>
  );
};
