import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { authProvidersExtensionPoint } from '@backstage/plugin-auth-node';
import { AddressInfo } from 'node:net';
import authDemo, { demoSignInAllowed } from './authDemo';

// The real auth backend; required, as jest runs without ESM dynamic imports.
const authBackend = () => require('@backstage/plugin-auth-backend').default;

/** An auth plugin stand-in that records the providers modules register. */
function recordingAuthPlugin(registered: string[]) {
  return createBackendPlugin({
    pluginId: 'auth',
    register(env) {
      env.registerExtensionPoint(authProvidersExtensionPoint, {
        registerProvider({ providerId }) {
          registered.push(providerId);
        },
      });
      env.registerInit({ deps: {}, async init() {} });
    },
  });
}

async function withNodeEnv<T>(value: string | undefined, fn: () => Promise<T>) {
  const before = process.env.NODE_ENV;
  if (value === undefined) {
    delete process.env.NODE_ENV;
  } else {
    process.env.NODE_ENV = value;
  }
  try {
    return await fn();
  } finally {
    process.env.NODE_ENV = before;
  }
}

describe('demo sign-in provider', () => {
  it('is allowed in development and tests only', () => {
    expect(demoSignInAllowed({ NODE_ENV: 'development' })).toBe(true);
    expect(demoSignInAllowed({ NODE_ENV: 'test' })).toBe(true);
    expect(demoSignInAllowed({ NODE_ENV: 'production' })).toBe(false);
    expect(demoSignInAllowed({})).toBe(false);
    expect(demoSignInAllowed({ NODE_ENV: 'staging' })).toBe(false);
  });

  it('registers the provider in development', async () => {
    const registered: string[] = [];
    await withNodeEnv('development', async () => {
      const backend = await startTestBackend({
        features: [recordingAuthPlugin(registered), authDemo],
      });
      await backend.stop();
    });
    expect(registered).toEqual(['demo']);
  });

  it.each(['production', undefined])(
    'refuses to start with NODE_ENV=%p and registers nothing',
    async nodeEnv => {
      const registered: string[] = [];
      await withNodeEnv(nodeEnv, async () => {
        await expect(
          startTestBackend({
            features: [
              recordingAuthPlugin(registered),
              authDemo,
              mockServices.rootConfig.factory({
                data: { auth: { providers: { demo: {} } } },
              }),
            ],
          }),
        ).rejects.toThrow(
          `The demo sign-in provider (auth.providers.demo) signs in as any example user without a password and is for development only; it refuses to load with NODE_ENV=${
            nodeEnv ?? '(unset)'
          }`,
        );
      });
      expect(registered).toEqual([]);
    },
  );

  it('refuses in production next to the real auth backend, even with auth.providers.demo configured', async () => {
    await withNodeEnv('production', async () => {
      await expect(
        startTestBackend({
          features: [
            authBackend(),
            authDemo,
            mockServices.rootConfig.factory({
              data: {
                app: { baseUrl: 'http://localhost:3000' },
                auth: { providers: { demo: {} } },
              },
            }),
          ],
        }),
      ).rejects.toThrow(
        /is for development only; it refuses to load with NODE_ENV=production/,
      );
    });
  });

  it('signs nobody in without a chosen example user in development', async () => {
    await withNodeEnv('development', async () => {
      const backend = await startTestBackend({
        features: [
          authBackend(),
          authDemo,
          mockServices.rootConfig.factory({
            data: {
              app: { baseUrl: 'http://localhost:3000' },
              auth: { providers: { demo: {} } },
            },
          }),
        ],
      });
      try {
        const { port } = backend.server.address() as AddressInfo;
        const res = await fetch(
          `http://localhost:${port}/api/auth/demo/refresh`,
          {
            headers: { 'X-Requested-With': 'XMLHttpRequest' },
          },
        );
        expect(res.status).toBe(403);
        expect((await res.json()).error.message).toContain(
          'No example user chosen',
        );
      } finally {
        await backend.stop();
      }
    });
  });
});
