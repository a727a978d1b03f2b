import { ApiException } from '@kubernetes/client-node';

export { orUndefinedOn404, statusCode } from '../certmanager/apiErrors';

/** A short reason for a failed call: the API's status and message, not its whole body. */
export function kubeErrorMessage(error: unknown): string {
  if (error instanceof ApiException) {
    let body: unknown = error.body;
    if (typeof body === 'string') {
      try {
        body = JSON.parse(body);
      } catch {
        // Not a Status object: the code alone says enough.
      }
    }
    const message = (body as { message?: unknown } | undefined)?.message;
    return `HTTP ${error.code}${
      typeof message === 'string' ? `: ${message}` : ''
    }`;
  }
  return error instanceof Error ? error.message : String(error);
}
