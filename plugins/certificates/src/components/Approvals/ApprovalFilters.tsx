import Box from '@material-ui/core/Box';
import { IssuerInfo } from '@kubecerts/backstage-plugin-certificates-common';
import { ApprovalsQuery } from '../../api';
import { FormField } from '../common';

const AGES: Array<{ label: string; hours?: number }> = [
  { label: 'Any age' },
  { label: 'Older than 1 hour', hours: 1 },
  { label: 'Older than 1 day', hours: 24 },
  { label: 'Older than 1 week', hours: 168 },
];

export interface ApprovalFiltersProps {
  value: ApprovalsQuery;
  onChange(value: ApprovalsQuery): void;
  issuers: IssuerInfo[];
  teams: string[];
}

/** Issuer, owner team and minimum age of the queue. */
export const ApprovalFilters = ({
  value,
  onChange,
  issuers,
  teams,
}: ApprovalFiltersProps) => {
  const set = (patch: ApprovalsQuery) => onChange({ ...value, ...patch });
  const issuerOptions = issuers.map(i => ({
    value: i.id,
    label: i.displayName,
  }));
  return (
    <Box display="flex" flexWrap="wrap" style={{ gap: 16 }} mb={2}>
      {(
        [
          ['issuer', 'Issuer', 'All issuers', issuerOptions],
          ['owner', 'Owner team', 'All teams', teams],
        ] as const
      ).map(([key, label, all, options]) => (
        <FormField
          key={key}
          id={`approvals-filter-${key === 'owner' ? 'team' : key}`}
          label={label}
          value={value[key] ?? ''}
          onChange={e => set({ [key]: e.target.value || undefined })}
          minWidth={180}
          options={[{ value: '', label: all }, ...options]}
        />
      ))}
      <FormField
        id="approvals-filter-age"
        label="Age"
        value={value.minAgeHours ?? ''}
        onChange={e =>
          set({
            minAgeHours:
              e.target.value === '' ? undefined : Number(e.target.value),
          })
        }
        minWidth={180}
        options={AGES.map(age => ({
          value: age.hours ?? '',
          label: age.label,
        }))}
      />
    </Box>
  );
};
