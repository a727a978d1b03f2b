/** Status code and reason of a failed Kubernetes call, whatever threw it. */
export interface KubernetesFailure {
  code?: number;
  reason: string;
}

function statusFromBody(body: unknown): {
  code?: number;
  message?: string;
  reason?: string;
} {
  if (typeof body === 'string') {
    try {
      return JSON.parse(body);
    } catch {
      return {};
    }
  }
  return (body as any) ?? {};
}

/**
 * Normalises errors from the typed clients (ApiException: `code`, raw `body`),
 * from Watch (`statusCode`) and from the network (`code` such as ECONNREFUSED).
 */
export function describeFailure(error: unknown): KubernetesFailure {
  const e = error as any;
  const code: number | undefined =
    typeof e?.code === 'number'
      ? e.code
      : typeof e?.statusCode === 'number'
      ? e.statusCode
      : undefined;
  if (code !== undefined) {
    const status = statusFromBody(e.body);
    const text =
      code === 401
        ? 'unauthorized (401): the credentials were rejected'
        : code === 403
        ? `forbidden (403)${status.message ? `: ${status.message}` : ''}`
        : `HTTP ${code}${status.message ? `: ${status.message}` : ''}`;
    return { code, reason: text };
  }
  const netCode = e?.code ?? e?.cause?.code ?? e?.errno;
  if (typeof netCode === 'string') {
    return { reason: `${netCode}: ${e?.message ?? 'network error'}` };
  }
  if (
    e?.name === 'AbortError' ||
    e?.type === 'aborted' ||
    e?.type === 'request-timeout'
  ) {
    return { reason: 'timeout: the cluster did not answer in time' };
  }
  return { reason: String(e?.message ?? e) };
}

export function isGone(error: unknown): boolean {
  const e = error as any;
  return e?.code === 410 || e?.statusCode === 410;
}
