import { ApiException } from '@kubernetes/client-node';

/** The HTTP status of a failed Kubernetes API call, if it got that far. */
export function statusCode(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}

export async function orUndefinedOn404<T>(
  call: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (statusCode(error) === 404) {
      return undefined;
    }
    throw error;
  }
}

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
