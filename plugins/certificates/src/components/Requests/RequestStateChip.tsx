import {
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  StatusAborted,
} from '@backstage/core-components';
import { RequestState } from '@kubecerts/backstage-plugin-certificates-common';

/** The state of a request as a status dot and a word. */
export const RequestStateChip = ({ state }: { state: RequestState }) => {
  switch (state) {
    case 'issued':
      return <StatusOK>issued</StatusOK>;
    case 'failed':
    case 'denied':
      return <StatusError>{state}</StatusError>;
    case 'cancelled':
      return <StatusAborted>cancelled</StatusAborted>;
    case 'approved':
    case 'issuing':
      return <StatusRunning>{state}</StatusRunning>;
    default:
      return <StatusPending>{state}</StatusPending>;
  }
};
