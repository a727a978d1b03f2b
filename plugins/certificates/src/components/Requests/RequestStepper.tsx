import Step from '@material-ui/core/Step';
import StepLabel from '@material-ui/core/StepLabel';
import Stepper from '@material-ui/core/Stepper';
import Typography from '@material-ui/core/Typography';
import { RequestState } from '@kubecerts/backstage-plugin-certificates-common';

const HAPPY_PATH: RequestState[] = ['pending', 'approved', 'issuing', 'issued'];

/** Where it stopped, for the states that leave the happy path. */
const STOPPED_AT: Partial<Record<RequestState, number>> = {
  denied: 1,
  cancelled: 1,
  failed: 3,
};

export interface RequestStepperProps {
  state: RequestState;
  /** Shown under the failing step. */
  detail?: string;
}

/** pending → approved → issuing → issued, or where (and why) it stopped. */
export const RequestStepper = ({ state, detail }: RequestStepperProps) => {
  const stoppedAt = STOPPED_AT[state];
  const steps =
    stoppedAt === undefined
      ? HAPPY_PATH
      : [...HAPPY_PATH.slice(0, stoppedAt), state];
  const active =
    stoppedAt === undefined ? HAPPY_PATH.indexOf(state) : stoppedAt;
  const done = state === 'issued';

  return (
    <Stepper
      activeStep={done ? steps.length : active}
      alternativeLabel
      aria-label={`Request state: ${state}`}
    >
      {steps.map((step, index) => {
        const isError = stoppedAt !== undefined && index === stoppedAt;
        return (
          <Step key={step} completed={done || index < active}>
            <StepLabel
              error={isError}
              optional={
                isError && detail ? (
                  <Typography variant="caption" color="error">
                    {detail}
                  </Typography>
                ) : undefined
              }
            >
              {step}
            </StepLabel>
          </Step>
        );
      })}
    </Stepper>
  );
};
