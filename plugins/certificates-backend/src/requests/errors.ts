import { CustomErrorBase } from '@backstage/errors';

/**
 * The caller has too many open requests (HTTP 429). The error middleware
 * answers with this status and `{ error: { name, message } }` like any other.
 */
export class TooManyRequestsError extends CustomErrorBase {
  name = 'TooManyRequestsError' as const;
  readonly statusCode = 429;
}
