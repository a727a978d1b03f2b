import { ApiException } from '@kubernetes/client-node';

/** The HTTP status of a failed Kubernetes API call, if it got that far. */
export function statusCode(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}

/** The call's answer, or undefined when the object does not exist (404). */
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
