import Button from '@material-ui/core/Button';
import TextField from '@material-ui/core/TextField';
import Autocomplete from '@material-ui/lab/Autocomplete';
import {
  CERTIFICATE_STATUSES,
  FINDING_KINDS,
} from '@kubecerts/backstage-plugin-certificates-common';
import { EMPTY_FILTER, UserFilter } from './filterParams';
import { STATUS_LABELS } from './status';
import { FINDING_LABELS } from './findings';
import { SearchField } from './SearchField';
import { FlexRow } from './FlexRow';
import { KNOWN_LOCATIONS, locationLabel } from './location';

export interface FilterOptions {
  location?: string[];
  cluster?: string[];
  namespace?: string[];
  issuer?: string[];
  owner?: string[];
}

type ListKey =
  | 'status'
  | 'finding'
  | 'location'
  | 'cluster'
  | 'namespace'
  | 'issuer'
  | 'owner';

const LABELS: Record<ListKey, string> = {
  status: 'Status',
  finding: 'Finding',
  location: 'Location',
  cluster: 'Cluster',
  namespace: 'Namespace',
  issuer: 'Issuer',
  owner: 'Owner',
};

function optionLabel(key: ListKey, value: string): string {
  if (key === 'status')
    return STATUS_LABELS[value as keyof typeof STATUS_LABELS] ?? value;
  if (key === 'finding')
    return FINDING_LABELS[value as keyof typeof FINDING_LABELS] ?? value;
  if (key === 'location') return locationLabel(value);
  return value;
}

/** The filter bar over a certificate table: one control per API filter and a text search. */
export const CertificateFilters = (props: {
  value: UserFilter;
  onChange: (next: UserFilter) => void;
  options?: FilterOptions;
  /** Filters that make no sense in the context, e.g. owner on a team's tab. */
  hide?: ListKey[];
  /** False when the search box is shown elsewhere. */
  search?: boolean;
}) => {
  const { value, onChange, options = {}, hide = [], search = true } = props;

  const choices: Record<ListKey, string[]> = {
    status: [...CERTIFICATE_STATUSES],
    finding: [...FINDING_KINDS],
    location: options.location ?? KNOWN_LOCATIONS,
    cluster: options.cluster ?? [],
    namespace: options.namespace ?? [],
    issuer: options.issuer ?? [],
    owner: options.owner ?? [],
  };
  const keys = (Object.keys(LABELS) as ListKey[]).filter(
    k => !hide.includes(k),
  );
  const active = keys.some(k => value[k].length > 0) || value.q.length > 0;

  return (
    <FlexRow flexWrap="wrap" mb={2}>
      {search && (
        <SearchField
          value={value.q}
          onChange={q => onChange({ ...value, q })}
        />
      )}
      {keys.map(key => (
        <Autocomplete
          key={key}
          multiple
          size="small"
          freeSolo={key !== 'status' && key !== 'finding'}
          options={choices[key]}
          value={value[key] as string[]}
          getOptionLabel={option => optionLabel(key, option)}
          onChange={(_e, next) =>
            onChange({ ...value, [key]: next as string[] })
          }
          style={{ minWidth: 180 }}
          renderInput={params => (
            <TextField {...params} variant="outlined" label={LABELS[key]} />
          )}
        />
      ))}
      {active && (
        <Button size="small" onClick={() => onChange(EMPTY_FILTER)}>
          Clear filters
        </Button>
      )}
    </FlexRow>
  );
};
