import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  authProvidersExtensionPoint,
  createProxyAuthenticator,
  createProxyAuthProviderFactory,
} from '@backstage/plugin-auth-node';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';

/** Header the development sign-in page sends to pick an example user. */
export const DEMO_USER_HEADER = 'x-certificates-demo-user';

const USER_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

/**
 * Whether the example-user sign-in may be installed: only when NODE_ENV is
 * `development` (backstage-cli start) or `test`. Anything else, an unset
 * NODE_ENV included, counts as production: the provider signs anyone in as
 * any example user without a password.
 */
export function demoSignInAllowed(
  env: { NODE_ENV?: string } = process.env,
): boolean {
  return env.NODE_ENV === 'development' || env.NODE_ENV === 'test';
}

/**
 * Development-only sign-in as one of the example users, so that "requester is
 * not the approver" can be shown in a browser. It is only active when
 * `auth.providers.demo` is configured (app-config.yaml does, the production
 * config does not), and only signs in users that exist in the catalog.
 * Outside development the backend refuses to start with it installed,
 * whatever the config says.
 */
export default createBackendModule({
  pluginId: 'auth',
  moduleId: 'certificates-demo-provider',
  register(reg) {
    reg.registerInit({
      deps: { providers: authProvidersExtensionPoint },
      async init({ providers }) {
        if (!demoSignInAllowed()) {
          throw new Error(
            `The demo sign-in provider (auth.providers.demo) signs in as any example user without a password and is for development only; it refuses to load with NODE_ENV=${
              process.env.NODE_ENV || '(unset)'
            }. Remove the module (packages/backend/src/authDemo.ts) from the backend and auth.providers.demo from the config.`,
          );
        }
        providers.registerProvider({
          providerId: 'demo',
          factory: createProxyAuthProviderFactory({
            authenticator: createProxyAuthenticator({
              defaultProfileTransform: async (result: { userName: string }) => ({
                profile: { displayName: result.userName },
              }),
              initialize: () => ({}),
              async authenticate({ req }) {
                const userName = String(req.get(DEMO_USER_HEADER) ?? '');
                if (!USER_NAME.test(userName)) {
                  throw new NotAllowedError('No example user chosen');
                }
                return { result: { userName } };
              },
            }),
            signInResolver: async ({ result }, ctx) =>
              ctx.signInWithCatalogUser({
                entityRef: stringifyEntityRef({
                  kind: 'User',
                  namespace: 'default',
                  name: result.userName,
                }),
              }),
          }),
        });
      },
    });
  },
});
