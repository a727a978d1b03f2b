/** A decision error in words an approver can act on; a 409 means someone else was quicker. */
export function decisionErrorMessage(error: unknown): string {
  const e = error as {
    name?: string;
    message?: string;
    statusCode?: number;
    body?: { error?: { message?: string } };
  };
  const detail = e.body?.error?.message ?? e.message ?? String(error);
  switch (e.statusCode) {
    case 409:
      return `This request was already decided or changed state: ${detail}`;
    case 403:
      return `You may not decide this request: ${detail}`;
    case 404:
      return `This request no longer exists: ${detail}`;
    default:
      return detail;
  }
}

const BULK_PREFIX: Record<string, string> = {
  ConflictError: 'This request was already decided or changed state: ',
  NotAllowedError: 'You may not decide this request: ',
  NotFoundError: 'This request no longer exists: ',
};

/**
 * The error of one item of a bulk decision. The backend answers
 * `{ name, message }` (the error middleware's shape); a plain string is
 * taken as it is.
 */
export function bulkItemErrorMessage(error: unknown): string {
  if (typeof error === 'string') return error;
  const e = error as { name?: string; message?: string } | undefined;
  if (!e?.message) return 'failed';
  return `${BULK_PREFIX[e.name ?? ''] ?? ''}${e.message}`;
}
