import { IncomingMessage } from 'node:http';
import { findResourceByPlural, SimulatedResource } from './resources';
import { statusErrors } from './status';

/** A request path resolved to a resource, scope and object. */
export interface ResourcePath {
  resource: SimulatedResource;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** The legacy `/watch/` path prefix was used. */
  watchPrefix: boolean;
}

/** Resolves `/api/v1/...` and `/apis/{group}/{version}/...` to a resource, or throws 404. */
export function parseResourcePath(
  segments: string[],
  isInstalled: (group: string) => boolean,
): ResourcePath {
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === 'api') {
    [group, version, rest] = ['', segments[1], segments.slice(2)];
  } else {
    [group, version, rest] = [segments[1], segments[2], segments.slice(3)];
  }
  if (group && !isInstalled(group)) throw statusErrors.noRoute();
  let watchPrefix = false;
  if (rest[0] === 'watch') {
    watchPrefix = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const nested = findResourceByPlural(group, version, rest[2]);
    if (nested?.namespaced) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
  }
  const [plural, name, subresource, ...extra] = rest;
  const resource = findResourceByPlural(group, version, plural ?? '');
  if (!resource || extra.length) throw statusErrors.noRoute();
  if (resource.namespaced && name !== undefined && namespace === undefined) {
    throw statusErrors.noRoute();
  }
  if (
    subresource !== undefined &&
    (subresource !== 'status' || !resource.statusSubresource)
  ) {
    throw statusErrors.noRoute();
  }
  return { resource, namespace, name, subresource, watchPrefix };
}

/** Reads and parses a JSON request body (400 when it is not JSON). */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw statusErrors.badRequest(
      `error decoding request body: ${(error as Error).message}`,
    );
  }
}

/** Decodes a continue token; anything malformed is a 400 like a real server. */
export function decodeContinue(token: string): { rv: number; start: string } {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (
      parsed.v !== 'meta.k8s.io/v1' ||
      typeof parsed.rv !== 'number' ||
      typeof parsed.start !== 'string'
    ) {
      throw new TypeError('bad token');
    }
    return { rv: parsed.rv, start: parsed.start };
  } catch {
    throw statusErrors.badRequest(
      'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
    );
  }
}

export function encodeContinue(rv: number, start: string): string {
  return Buffer.from(
    JSON.stringify({ v: 'meta.k8s.io/v1', rv, start }),
  ).toString('base64url');
}
