import MenuItem from '@material-ui/core/MenuItem';
import TextField, { StandardTextFieldProps } from '@material-ui/core/TextField';

/** A choice of a select field: its value, and the words shown for it. */
export type FieldOption = string | { value: string | number; label: string };

export interface FormFieldProps
  extends Omit<
    StandardTextFieldProps,
    'error' | 'helperText' | 'select' | 'children' | 'variant'
  > {
  variant?: 'standard' | 'outlined';
  /** What is wrong with the value; shown in place of the hint. */
  errors?: string[];
  /** Help shown under the field while nothing is wrong. */
  hint?: string;
  /** Keeps the label on one line above a short value. */
  minWidth?: number;
  /** Makes it a select with these choices. */
  options?: ReadonlyArray<FieldOption>;
}

/** A text field or select with its errors (or else its hint) under it. */
export const FormField = (props: FormFieldProps) => {
  const { errors, hint, minWidth, options, style, ...rest } = props;
  return (
    <TextField
      // The variants' prop types differ only in what this component does not set.
      {...(rest as StandardTextFieldProps)}
      style={minWidth ? { minWidth, ...style } : style}
      select={Boolean(options)}
      error={Boolean(errors?.length)}
      helperText={errors?.length ? errors.join(' ') : hint}
    >
      {options?.map(option => {
        const { value, label } =
          typeof option === 'object'
            ? option
            : { value: option, label: option };
        return (
          <MenuItem key={value} value={value}>
            {label}
          </MenuItem>
        );
      })}
    </TextField>
  );
};
