import Alert from '@material-ui/lab/Alert';
import { Violation } from '@kubecerts/backstage-plugin-certificates-common';
import { RequestValidationState } from './useRequestValidation';

export interface VerdictBannerProps {
  validation: RequestValidationState;
  /** Violations no field shows. */
  general: Violation[];
}

/** Says what will happen on submit: auto-approved, queued (and why), or refused. */
export const VerdictBanner = ({ validation, general }: VerdictBannerProps) => {
  const { result, error, pending } = validation;
  if (error) {
    return (
      <Alert severity="warning">
        Could not check the request against the policy: {error.message}
      </Alert>
    );
  }
  if (!result) {
    return pending ? (
      <Alert severity="info">Checking against the policy…</Alert>
    ) : null;
  }
  if (!result.ok) {
    const count = result.violations.length;
    return (
      <Alert severity="error" role="alert">
        The policy{result.policyName ? ` "${result.policyName}"` : ''} does not
        allow this request ({count} {count === 1 ? 'problem' : 'problems'}).
        {general.map(v => (
          <div key={`${v.field}:${v.reason}`}>
            {v.field ? `${v.field}: ` : ''}
            {v.reason}
          </div>
        ))}
      </Alert>
    );
  }
  if (result.requesterIsOwner === false) {
    return (
      <Alert severity="warning">
        Will wait for approval: you are not an owner of this entity, so policy "
        {result.policyName}" does not approve it automatically; approvers will
        see it as requested by a non-owner.
        {result.pendingReason && <div>{result.pendingReason}</div>}
      </Alert>
    );
  }
  if (result.autoApprove) {
    return (
      <Alert severity="success">
        Will be approved automatically by policy "{result.policyName}".
      </Alert>
    );
  }
  return (
    <Alert severity="info">
      Will be queued for approval (policy "{result.policyName}")
      {result.pendingReason ? `: ${result.pendingReason}` : '.'}
    </Alert>
  );
};
