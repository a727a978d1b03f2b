import { ChangeEvent } from 'react';
import { FormFieldProps } from '../common/FormField';
import { RequestFormState } from './formState';
import { FormField as FormFieldName } from './violations';

type TextFieldName = {
  [K in keyof RequestFormState]: RequestFormState[K] extends string | number
    ? K
    : never;
}[keyof RequestFormState];

/** The request form as its parts see it: the state, the policy's objections per field, and how to change the state. */
export interface RequestFormBinding {
  state: RequestFormState;
  errors: Partial<Record<FormFieldName, string[]>>;
  onChange(patch: Partial<RequestFormState>): void;
}

/**
 * The props every field of the request form shares: its id (which the e2e
 * scenarios and labels use), value, change handler and the policy's
 * objections to it.
 */
export function requestFieldProps(options: RequestFormBinding) {
  return (
    field: TextFieldName,
    label: string,
    more: { id: string; errorKey?: FormFieldName } & Partial<FormFieldProps>,
  ): FormFieldProps => {
    const { id, errorKey, ...rest } = more;
    return {
      id: `certificate-request-${id}`,
      label,
      value: options.state[field],
      onChange: (e: ChangeEvent<HTMLInputElement>) =>
        options.onChange({ [field]: e.target.value }),
      margin: 'dense',
      errors: options.errors[errorKey ?? (field as FormFieldName)],
      ...rest,
    };
  };
}
