import type { paths } from './openapi.generated';

/*
 * Calls typed by the backend's OpenAPI document: a path that the backend
 * does not serve, a parameter it does not know, or a body of the wrong
 * shape fails to compile. Answers are typed by the caller (the shared types
 * in -common, which the document describes).
 */

export type SpecPath = keyof paths;
export type SpecMethod = 'get' | 'post';

/** The operation at a path and method, `never` where the spec has none. */
type Operation<P extends SpecPath, M extends SpecMethod> = Exclude<
  paths[P][M],
  undefined
>;

type QueryValue = string | number | boolean | undefined | null;

type QueryOf<O> = O extends { parameters: { query?: infer Q } }
  ? [Q] extends [never] | [undefined]
    ? never
    : { [K in keyof NonNullable<Q>]?: QueryValue | readonly QueryValue[] }
  : never;

type PathOf<O> = O extends { parameters: { path: infer T } }
  ? [T] extends [never] | [undefined]
    ? never
    : T
  : never;

type BodyOf<O> = O extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;

/** What a call needs besides path and method: only what the spec declares. */
export type SpecCall<P extends SpecPath, M extends SpecMethod> = Omit<
  {
    path: PathOf<Operation<P, M>>;
    query?: QueryOf<Operation<P, M>>;
    body?: BodyOf<Operation<P, M>>;
  },
  | ([PathOf<Operation<P, M>>] extends [never] ? 'path' : never)
  | ([QueryOf<Operation<P, M>>] extends [never] ? 'query' : never)
  | ([BodyOf<Operation<P, M>>] extends [never] ? 'body' : never)
>;

/** Builds a query string; arrays become repeated parameters, empty values are left out. */
export function toQueryString(
  query: Record<string, QueryValue | readonly QueryValue[]> = {},
): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      if (v === undefined || v === null || v === '' || v === false) continue;
      params.append(key, String(v));
    }
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The URL path and query of a call, `{id}` and the like filled in and encoded. */
export function specUrl<P extends SpecPath, M extends SpecMethod>(
  path: P,
  call: SpecCall<P, M>,
): string {
  const { path: params, query } = call as {
    path?: Record<string, string>;
    query?: Record<string, QueryValue | readonly QueryValue[]>;
  };
  const filled = String(path).replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const value = params?.[name];
    if (value === undefined) {
      throw new Error(`Missing path parameter ${name} for ${String(path)}`);
    }
    return encodeURIComponent(value);
  });
  return `${filled}${toQueryString(query)}`;
}

/** The fetch options of a call: JSON body for writes. */
export function specInit<P extends SpecPath, M extends SpecMethod>(
  method: M,
  call: SpecCall<P, M>,
): RequestInit | undefined {
  if (method === 'get') return undefined;
  const { body } = call as { body?: unknown };
  return {
    method: method.toUpperCase(),
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  };
}
