import { useEffect, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import {
  CertificateRequestInput,
  ValidationResult,
} from '@kubecerts/backstage-plugin-certificates-common';
import { certificatesApiRef } from '../../api';

export interface RequestValidationState {
  /** The backend's verdict on the input as it is now; undefined while it is being asked. */
  result?: ValidationResult;
  error?: Error;
  pending: boolean;
}

/**
 * Asks the backend (the authority on policy) for its verdict on the request,
 * debounced so that typing does not send a call per key stroke. Answers for
 * an older input are dropped.
 */
export function useRequestValidation(
  input: CertificateRequestInput | undefined,
  delayMs = 300,
): RequestValidationState {
  const api = useApi(certificatesApiRef);
  const key = input ? JSON.stringify(input) : undefined;
  const [state, setState] = useState<RequestValidationState>({
    pending: false,
  });

  useEffect(() => {
    if (!key) {
      setState({ pending: false });
      return undefined;
    }
    let current = true;
    setState(previous => ({ ...previous, pending: true }));
    const timer = setTimeout(() => {
      api
        .validateRequest(JSON.parse(key))
        .then(result => {
          if (current) setState({ result, pending: false });
        })
        .catch(error => {
          if (current) setState({ error, pending: false });
        });
    }, delayMs);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api, key, delayMs]);

  return state;
}
