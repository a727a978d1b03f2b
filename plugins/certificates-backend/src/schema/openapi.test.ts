import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import express from 'express';
import yaml from 'js-yaml';
import { createRouter, RouterOptions } from '../router';
import spec from './openapi.generated.json';
import { SELF_CHECKED_OPERATIONS } from './specRouter';

/*
 * The contract and the server must not drift: every route the router serves
 * is in the OpenAPI document and every path of the document is served, and
 * the generated spec object is what the YAML says.
 */

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Served by the OpenAPI router itself, not part of the plugin's API. */
const SPEC_ROUTE = 'GET /openapi.json';

type Layer = {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
};

/** METHOD /path of every route in an express router, through mounted sub-routers. */
function servedRoutes(router: { stack: Layer[] }): string[] {
  const found: string[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (on && method !== '_all') {
            found.push(`${method.toUpperCase()} ${layer.route.path}`);
          }
        }
      } else if (layer.handle?.stack) {
        // Sub-routers are mounted at the root, so their paths are absolute.
        walk(layer.handle.stack);
      }
    }
  };
  walk(router.stack);
  return found.sort();
}

function specRoutes(doc: { paths: Record<string, object> }): string[] {
  return Object.entries(doc.paths)
    .flatMap(([path, item]) =>
      Object.keys(item)
        .filter(key => HTTP_METHODS.includes(key))
        .map(
          method =>
            `${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`,
        ),
    )
    .sort();
}

/**
 * Every area enabled, including areas added later: each option reads as a
 * stub. Nothing is called while routes are only declared.
 */
function everyArea(): RouterOptions {
  return new Proxy({} as RouterOptions, { get: () => ({}) });
}

describe('the OpenAPI contract', () => {
  it('generated spec object matches openapi.yaml', () => {
    const fromYaml = yaml.load(
      readFileSync(join(__dirname, 'openapi.yaml'), 'utf8'),
    );
    expect(JSON.parse(JSON.stringify(spec))).toEqual(fromYaml);
  });

  it('every route served is in the spec and every spec path is served', async () => {
    const router = (await createRouter(
      everyArea(),
    )) as unknown as express.Router & {
      stack: Layer[];
    };
    const served = servedRoutes(router).filter(r => r !== SPEC_ROUTE);
    const documented = specRoutes(spec as any);
    expect({
      notInSpec: served.filter(r => !documented.includes(r)),
      notServed: documented.filter(r => !served.includes(r)),
    }).toEqual({ notInSpec: [], notServed: [] });
    expect(new Set(served).size).toBe(served.length);
    expect(served.length).toBeGreaterThanOrEqual(30);
  });

  it('holds back violations only for operations the spec has', () => {
    const documented = specRoutes(spec as any).map(r =>
      r.replace(/:([A-Za-z0-9_]+)/g, '{$1}'),
    );
    expect(
      SELF_CHECKED_OPERATIONS.filter(op => !documented.includes(op)),
    ).toEqual([]);
  });

  it('serves its own document at /openapi.json', async () => {
    const router = await createRouter(everyArea());
    const served = servedRoutes(router as any);
    expect(served).toContain(SPEC_ROUTE);
  });
});
