import Box from '@material-ui/core/Box';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { IssuerInfo } from '@kubecerts/backstage-plugin-certificates-common';
import { ApprovalsQuery } from '../../api';

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
}: ApprovalFiltersProps) => (
  <Box display="flex" flexWrap="wrap" style={{ gap: 16 }} mb={2}>
    <TextField
      id="approvals-filter-issuer"
      select
      label="Issuer"
      value={value.issuer ?? ''}
      onChange={e =>
        onChange({ ...value, issuer: e.target.value || undefined })
      }
      style={{ minWidth: 180 }}
    >
      <MenuItem value="">All issuers</MenuItem>
      {issuers.map(i => (
        <MenuItem key={i.id} value={i.id}>
          {i.displayName}
        </MenuItem>
      ))}
    </TextField>
    <TextField
      id="approvals-filter-team"
      select
      label="Owner team"
      value={value.owner ?? ''}
      onChange={e => onChange({ ...value, owner: e.target.value || undefined })}
      style={{ minWidth: 180 }}
    >
      <MenuItem value="">All teams</MenuItem>
      {teams.map(team => (
        <MenuItem key={team} value={team}>
          {team}
        </MenuItem>
      ))}
    </TextField>
    <TextField
      id="approvals-filter-age"
      select
      label="Age"
      value={value.minAgeHours ?? ''}
      onChange={e =>
        onChange({
          ...value,
          minAgeHours:
            e.target.value === '' ? undefined : Number(e.target.value),
        })
      }
      style={{ minWidth: 180 }}
    >
      {AGES.map(age => (
        <MenuItem key={age.label} value={age.hours ?? ''}>
          {age.label}
        </MenuItem>
      ))}
    </TextField>
  </Box>
);
