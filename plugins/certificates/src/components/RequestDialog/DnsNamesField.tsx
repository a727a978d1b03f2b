import { ChangeEvent } from 'react';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { parseDnsNames } from './violations';

export interface DnsNamesFieldProps {
  value: string;
  onChange(value: string): void;
  /** Reasons about the list as a whole. */
  errors?: string[];
  /** Reasons per name, by index in the parsed list. */
  nameErrors: Record<number, string[]>;
  disabled?: boolean;
}

/** DNS names, one per line, each shown as a chip that can be removed and that carries its own violations. */
export const DnsNamesField = (props: DnsNamesFieldProps) => {
  const { value, onChange, errors = [], nameErrors, disabled } = props;
  const names = parseDnsNames(value);
  const hasNameErrors = Object.keys(nameErrors).length > 0;

  const remove = (index: number) =>
    onChange(names.filter((_, i) => i !== index).join('\n'));

  return (
    <Box>
      <TextField
        id="certificate-request-dns-names"
        label="DNS names"
        helperText={errors.length > 0 ? errors.join(' ') : 'One name per line.'}
        error={errors.length > 0 || hasNameErrors}
        value={value}
        onChange={(e: ChangeEvent<HTMLInputElement>) =>
          onChange(e.target.value)
        }
        multiline
        minRows={2}
        fullWidth
        variant="outlined"
        margin="dense"
        disabled={disabled}
        inputProps={{
          'aria-describedby': 'certificate-request-dns-names-list',
        }}
      />
      <Box id="certificate-request-dns-names-list" aria-live="polite">
        {names.map((name, index) => {
          const reasons = nameErrors[index] ?? [];
          return (
            <Box
              key={`${index}-${name}`}
              display="flex"
              alignItems="center"
              flexWrap="wrap"
              mt={0.5}
            >
              <Chip
                size="small"
                label={name}
                color={reasons.length > 0 ? 'secondary' : 'default'}
                onDelete={disabled ? undefined : () => remove(index)}
                aria-label={`DNS name ${name}`}
              />
              {reasons.map(reason => (
                <Typography
                  key={reason}
                  variant="caption"
                  color="error"
                  component="span"
                  style={{ marginLeft: 8 }}
                  data-testid={`dns-name-violation-${index}`}
                >
                  {reason}
                </Typography>
              ))}
            </Box>
          );
        })}
      </Box>
    </Box>
  );
};
