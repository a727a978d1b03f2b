import { NotFoundError } from '@backstage/errors';
import { ApiException } from '@kubernetes/client-node';

export const ID_PREFIX = 'incluster:';

export function parseId(id: string): [string, string, string] {
  try {
    const parsed = JSON.parse(
      Buffer.from(id.slice(ID_PREFIX.length), 'base64url').toString('utf8'),
    );
    if (
      Array.isArray(parsed) &&
      parsed.length === 3 &&
      parsed.every(p => typeof p === 'string' && p)
    ) {
      return parsed as [string, string, string];
    }
  } catch {
    // fall through
  }
  throw new NotFoundError(`No request ${id}`);
}

export function statusOf(error: unknown): number | undefined {
  return error instanceof ApiException
    ? error.code
    : (error as { code?: number })?.code;
}

/** ApiException.body is the raw response text; the Status message is inside. */
export function messageOf(error: unknown): string | undefined {
  const body = (error as { body?: unknown })?.body;
  if (typeof body !== 'string') return undefined;
  try {
    const status = JSON.parse(body);
    return typeof status?.message === 'string' ? status.message : undefined;
  } catch {
    return body.slice(0, 300);
  }
}

export function describeError(error: unknown): string {
  const status = statusOf(error);
  return status
    ? `HTTP ${status}${messageOf(error) ? `: ${messageOf(error)}` : ''}`
    : String(error);
}
