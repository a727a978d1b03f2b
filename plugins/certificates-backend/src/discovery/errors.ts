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
  let code: number | undefined;
  if (typeof e?.code === 'number') code = e.code;
  else if (typeof e?.statusCode === 'number') code = e.statusCode;
  if (code !== undefined) {
    const status = statusFromBody(e.body);
    const detail = status.message ? `: ${status.message}` : '';
    let text = `HTTP ${code}${detail}`;
    if (code === 401)
      text = 'unauthorized (401): the credentials were rejected';
    if (code === 403) text = `forbidden (403)${detail}`;
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
