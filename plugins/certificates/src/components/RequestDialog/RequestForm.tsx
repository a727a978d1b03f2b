import { FormEvent, useMemo, useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import DialogActions from '@material-ui/core/DialogActions';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Alert from '@material-ui/lab/Alert';
import { useApi } from '@backstage/core-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  CertificateRequest,
  evaluateRequest,
  validateNames,
  Violation,
} from '@kubecerts/backstage-plugin-certificates-common';
import {
  certificatesApiRef,
  EntityPolicy,
  isPolicyViolationError,
} from '../../api';
import { FormField } from '../common/FormField';
import { DeliveryFields } from './DeliveryFields';
import { requestFieldProps } from './requestField';
import { DnsNamesField } from './DnsNamesField';
import {
  deliveriesFor,
  initialFormState,
  policyChoices,
  RequestFormState,
  toRequestInput,
} from './formState';
import { useRequestValidation } from './useRequestValidation';
import { VerdictBanner } from './VerdictBanner';
import { groupViolations } from './violations';

/** The backend's own words when it refused (e.g. too many open requests), else the error's. */
function reasonOf(error: Error): string {
  const cause = (error as { cause?: { message?: unknown } }).cause;
  return typeof cause?.message === 'string' && cause.message
    ? cause.message
    : error.message;
}

export interface RequestFormProps {
  entityRef: string;
  entityName: string;
  policy: EntityPolicy;
  /** The entity, when known: the form then evaluates the whole policy locally while the backend is asked. */
  entity?: Entity;
  onCancel(): void;
  onSubmitted(request: CertificateRequest): void;
  /** Debounce of the policy check while typing. */
  validationDelayMs?: number;
}

/** The request form; every field is limited to what the effective policy allows. */
export const RequestForm = (props: RequestFormProps) => {
  const { entityRef, entityName, policy, onCancel, onSubmitted } = props;
  const api = useApi(certificatesApiRef);
  const choices = useMemo(() => policyChoices(policy), [policy]);
  const [state, setState] = useState<RequestFormState>(() =>
    initialFormState(policy, entityName),
  );
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<Error>();
  const [submitViolations, setSubmitViolations] = useState<Violation[]>();

  const input = useMemo(
    () => toRequestInput(entityRef, state),
    [entityRef, state],
  );
  const validation = useRequestValidation(input, props.validationDelayMs);
  // Instant feedback from the same rules the backend runs; the backend's answer wins once it arrives.
  const local = useMemo(
    () =>
      props.entity
        ? evaluateRequest(input, {
            policy: policy.policy ?? undefined,
            entity: props.entity,
            issuers: policy.issuers,
            clusters: policy.clusters,
            // Only the violations are used here: whether the request waits
            // for approvers is the backend's verdict, which knows the user.
            requesterIsOwner: false,
          }).violations
        : validateNames(input, {
            allowWildcard: Boolean(policy.policy?.allowWildcards),
          }),
    [input, policy, props.entity],
  );
  // The latest verdict wins: the one from submit until the user edits again.
  const violations =
    submitViolations ??
    (validation.pending || !validation.result
      ? local
      : validation.result.violations);
  const grouped = groupViolations(violations);
  const errors = grouped.byField;

  const issuer = choices.issuers.find(i => i.id === state.issuer);
  const deliveries = deliveriesFor(policy, issuer);

  const update = (patch: Partial<RequestFormState>) => {
    setSubmitViolations(undefined);
    setSubmitError(undefined);
    setState(previous => {
      const next = { ...previous, ...patch };
      const nextIssuer = choices.issuers.find(i => i.id === next.issuer);
      const allowed = deliveriesFor(policy, nextIssuer);
      if (!allowed.includes(next.deliveryKind) && allowed.length > 0) {
        next.deliveryKind = allowed[0];
      }
      return next;
    });
  };
  const form = { state, errors, onChange: update };
  const field = requestFieldProps(form);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setSubmitting(true);
    setSubmitError(undefined);
    try {
      onSubmitted(await api.createRequest(input));
    } catch (error) {
      if (isPolicyViolationError(error)) {
        setSubmitViolations(error.violations);
      } else {
        setSubmitError(error as Error);
      }
    } finally {
      setSubmitting(false);
    }
  };

  const blocked = submitViolations
    ? submitViolations.length > 0
    : validation.result?.ok === false;

  return (
    <form onSubmit={onSubmit} aria-label="Certificate request" noValidate>
      <DnsNamesField
        value={state.dnsNames}
        onChange={dnsNames => update({ dnsNames })}
        errors={errors.dnsNames}
        nameErrors={grouped.byDnsName}
      />
      <FormField
        {...field('commonName', 'Common name', { id: 'common-name' })}
        fullWidth
        hint="Optional; usually the first DNS name."
      />
      <Box display="flex" flexWrap="wrap" style={{ gap: 12 }}>
        <FormField
          {...field('keyAlgorithm', 'Key algorithm', { id: 'key-algorithm' })}
          minWidth={160}
          options={choices.keyAlgorithms}
        />
        <FormField
          {...field('validityDays', 'Validity (days)', { id: 'validity' })}
          type="number"
          // A number field is as narrow as its digits: the label would wrap onto the value.
          minWidth={140}
          inputProps={{ min: 1, max: choices.maxValidityDays }}
          hint={`At most ${choices.maxValidityDays}.`}
        />
        <FormField
          {...field('issuer', 'Issuer', { id: 'issuer' })}
          minWidth={200}
          options={choices.issuers.map(i => ({
            value: i.id,
            label: i.displayName,
          }))}
        />
      </Box>
      <DeliveryFields form={form} deliveries={deliveries} choices={choices} />
      <FormControlLabel
        control={
          <Checkbox
            checked={state.clientAuth}
            onChange={e => update({ clientAuth: e.target.checked })}
          />
        }
        label="Also usable for client authentication (mTLS)"
      />
      {errors.clientAuth && (
        <Alert severity="error">{errors.clientAuth.join(' ')}</Alert>
      )}
      <FormField
        {...field('justification', 'Justification', { id: 'justification' })}
        multiline
        minRows={2}
        fullWidth
        variant="outlined"
        hint="Why you need it; approvers read this."
      />
      <Box mt={1}>
        <VerdictBanner
          validation={
            submitViolations
              ? {
                  pending: false,
                  result: { ok: false, violations: submitViolations },
                }
              : validation
          }
          general={grouped.general}
        />
        {submitError && (
          <Alert severity="error" role="alert">
            Could not submit the request: {reasonOf(submitError)}
          </Alert>
        )}
      </Box>
      <DialogActions>
        <Button onClick={onCancel}>Cancel</Button>
        <Button
          type="submit"
          color="primary"
          variant="contained"
          disabled={submitting || blocked}
        >
          Submit request
        </Button>
      </DialogActions>
    </form>
  );
};
