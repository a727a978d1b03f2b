import { useMemo } from 'react';
import Box from '@material-ui/core/Box';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import Typography from '@material-ui/core/Typography';
import { useSearchParams } from 'react-router-dom';
import {
  CertificateListFilter,
  FINDING_KINDS,
  SELECTED_CERTIFICATE_PARAM,
} from '@kubecerts/backstage-plugin-certificates-common';
import {
  CertificateFilters,
  CertificatesTable,
  EMPTY_FILTER,
  UserFilter,
  mergeFilters,
  toApiFilter,
  useFilterParams,
  useSearchParam,
} from '../common';
import { CertificateDetailsDrawer } from '../CertificateDetails';
import { OverviewView } from './OverviewView';
import { ClustersView } from './ClustersView';
import { IssuersView } from './IssuersView';
import { ExportCsvButton } from './ExportCsvButton';

/** The views, in tab order, by the id the URL names them with. */
const VIEW_LABELS = {
  overview: 'Overview',
  all: 'All certificates',
  unowned: 'Unowned',
  'non-compliant': 'Non-compliant',
  clusters: 'Clusters',
  issuers: 'Issuers',
} as const;

export type InventoryView = keyof typeof VIEW_LABELS;

function isView(id: string | null): id is InventoryView {
  return id !== null && Object.prototype.hasOwnProperty.call(VIEW_LABELS, id);
}

/** What a view always shows, whatever else is filtered. */
export const VIEW_SCOPES: Partial<
  Record<InventoryView, CertificateListFilter>
> = {
  unowned: { finding: ['unowned'] },
  'non-compliant': { finding: FINDING_KINDS.filter(f => f !== 'unowned') },
};

function emptyMessage(view: InventoryView, filtered: boolean): string {
  if (filtered) return 'No certificates match these filters.';
  if (view === 'unowned') return 'Every certificate has an owner.';
  if (view === 'non-compliant') {
    return 'No certificate has a finding: everything complies.';
  }
  return 'No certificates discovered yet. Check the Clusters view.';
}

/** The inventory across all clusters; view, filters and selection live in the URL. */
export const InventoryPage = () => {
  const [params, setParams] = useSearchParams();
  const requestedView = params.get('view');
  const view = isView(requestedView) ? requestedView : 'overview';
  const [userFilter, setUserFilter] = useFilterParams();
  const [selected, setSelected] = useSearchParam(SELECTED_CERTIFICATE_PARAM);
  const filter = useMemo(
    () => mergeFilters(VIEW_SCOPES[view] ?? {}, toApiFilter(userFilter)),
    [view, userFilter],
  );
  const filtered = Object.keys(toApiFilter(userFilter)).length > 0;

  const setView = (next: InventoryView, nextFilter?: UserFilter) =>
    setParams(current => {
      const out = new URLSearchParams(current);
      out.set('view', next);
      if (nextFilter) {
        for (const key of Object.keys(EMPTY_FILTER)) out.delete(key);
        for (const [key, value] of Object.entries(toApiFilter(nextFilter))) {
          for (const v of [value].flat()) out.append(key, String(v));
        }
      }
      return out;
    });

  const showsCertificates = view !== 'clusters' && view !== 'issuers';

  return (
    <Box>
      <Tabs
        value={view}
        onChange={(_e, next) => setView(next)}
        indicatorColor="primary"
        variant="scrollable"
        aria-label="Inventory views"
      >
        {Object.entries(VIEW_LABELS).map(([id, label]) => (
          <Tab key={id} value={id} label={label} />
        ))}
      </Tabs>
      <Box mt={2}>
        {showsCertificates && (
          <Box display="flex" alignItems="flex-start" style={{ gap: 8 }}>
            <Box flex={1}>
              <CertificateFilters value={userFilter} onChange={setUserFilter} />
            </Box>
            <ExportCsvButton filter={filter} />
          </Box>
        )}
        {view === 'overview' && (
          <OverviewView
            filter={filter}
            onPick={(key, value) =>
              key === 'unowned'
                ? setView('unowned')
                : setView('all', { ...userFilter, [key]: [value!] })
            }
          />
        )}
        {showsCertificates && view !== 'overview' && (
          <CertificatesTable
            title={VIEW_LABELS[view]}
            filter={filter}
            onSelect={setSelected}
            showOwner={view !== 'unowned'}
            emptyContent={
              <Box p={2}>
                <Typography variant="body2">
                  {emptyMessage(view, filtered)}
                </Typography>
              </Box>
            }
          />
        )}
        {view === 'clusters' && <ClustersView />}
        {view === 'issuers' && <IssuersView />}
      </Box>
      <CertificateDetailsDrawer
        id={selected}
        onClose={() => setSelected(undefined)}
      />
    </Box>
  );
};
