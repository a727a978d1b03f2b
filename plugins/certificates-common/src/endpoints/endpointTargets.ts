import { isIpLiteral, normalizeHost } from './hostnames';

/** One TLS endpoint to scan: the name sent as SNI and the port. */
export interface EndpointTarget {
  host: string;
  port: number;
}

/** The entity annotation that lists an entity's TLS endpoints. */
export const TLS_ENDPOINTS_ANNOTATION = 'kubecerts.dev/tls-endpoints';

/** Endpoints taken from one entity at most, whatever its metadata lists. */
export const DEFAULT_MAX_ENDPOINTS_PER_ENTITY = 20;

const DNS_NAME =
  /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?)*$/;

/** Reads `host`, `host:port` or `[v6]:port`; undefined with a reason when invalid. */
export function parseEndpoint(
  text: string,
  defaultPort = 443,
): { target?: EndpointTarget; error?: string } {
  const value = text.trim();
  let host = value;
  let port = String(defaultPort);
  const bracketed = value.match(/^\[([^\]]+)\](?::(\d+))?$/);
  if (bracketed) {
    host = bracketed[1];
    port = bracketed[2] ?? port;
  } else if ((value.match(/:/g) ?? []).length === 1) {
    [host, port] = value.split(':');
  }
  host = normalizeHost(host);
  if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
    return { error: `"${value}" has no valid port` };
  }
  if (!isIpLiteral(host) && !DNS_NAME.test(host)) {
    return { error: `"${value}" is not a host name or IP address` };
  }
  return { target: { host, port: Number(port) } };
}

/** Unique targets, in order, at most `max`; the rest are reported, not dropped silently. */
function capTargets(
  targets: EndpointTarget[],
  errors: string[],
  max: number,
): { targets: EndpointTarget[]; errors: string[] } {
  const seen = new Set<string>();
  const unique = targets.filter(t => {
    const key = `${t.host}:${t.port}`;
    return !seen.has(key) && seen.add(key);
  });
  if (unique.length > max) {
    errors.push(
      `${unique.length - max} endpoint(s) left out: at most ${max} per entity`,
    );
  }
  return { targets: unique.slice(0, max), errors };
}

/** The endpoints of an annotation value: `"host:port, host2:443"`. */
export function parseEndpointList(
  value: string | undefined,
  max = DEFAULT_MAX_ENDPOINTS_PER_ENTITY,
): { targets: EndpointTarget[]; errors: string[] } {
  const targets: EndpointTarget[] = [];
  const errors: string[] = [];
  // Bounded before splitting: a huge annotation costs nothing.
  for (const part of (value ?? '').slice(0, 8192).split(/[,\s]+/)) {
    if (!part) continue;
    const { target, error } = parseEndpoint(part);
    if (target) targets.push(target);
    else errors.push(error!);
  }
  return capTargets(targets, errors, max);
}

/**
 * The https endpoints among an OpenAPI document's `servers` (already
 * parsed). Only absolute https URLs: a plain http server has no
 * certificate, and relative or templated URLs name no host.
 */
export function openApiServerTargets(
  document: unknown,
  max = DEFAULT_MAX_ENDPOINTS_PER_ENTITY,
): { targets: EndpointTarget[]; errors: string[] } {
  const servers = (document as { servers?: unknown } | null)?.servers;
  const targets: EndpointTarget[] = [];
  const errors: string[] = [];
  if (!Array.isArray(servers)) return { targets, errors };
  for (const server of servers.slice(0, 100)) {
    const url = (server as { url?: unknown } | null)?.url;
    if (typeof url !== 'string' || !/^https:\/\//i.test(url)) continue;
    if (url.includes('{')) {
      errors.push(`"${url}" is templated; no host to scan`);
      continue;
    }
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      errors.push(`"${url}" is not a URL`);
      continue;
    }
    const { target, error } = parseEndpoint(
      parsed.port ? `${parsed.hostname}:${parsed.port}` : parsed.hostname,
    );
    if (target) targets.push(target);
    else errors.push(error!);
  }
  return capTargets(targets, errors, max);
}
