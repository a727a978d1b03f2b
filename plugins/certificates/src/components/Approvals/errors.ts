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
