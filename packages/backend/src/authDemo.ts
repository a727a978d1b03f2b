import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  authProvidersExtensionPoint,
  createProxyAuthenticator,
  createProxyAuthProviderFactory,
} from '@backstage/plugin-auth-node';
import { stringifyEntityRef } from '@backstage/catalog-model';

/** Cookie the development sign-in page sets to pick an example user. */
export const DEMO_USER_COOKIE = 'certificates-demo-user';

const USER_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

function readCookie(header: string | undefined, name: string) {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

/**
 * Development-only sign-in as one of the example users, so that "requester is
 * not the approver" can be shown in a browser. It is only active when
 * `auth.providers.demo` is configured (app-config.yaml does, the production
 * config does not), and only signs in users that exist in the catalog.
 */
export default createBackendModule({
  pluginId: 'auth',
  moduleId: 'certificates-demo-provider',
  register(reg) {
    reg.registerInit({
      deps: { providers: authProvidersExtensionPoint },
      async init({ providers }) {
        providers.registerProvider({
          providerId: 'demo',
          factory: createProxyAuthProviderFactory({
            authenticator: createProxyAuthenticator({
              defaultProfileTransform: async (result: { userName: string }) => ({
                profile: { displayName: result.userName },
              }),
              initialize: () => ({}),
              async authenticate({ req }) {
                const userName =
                  readCookie(req.headers.cookie, DEMO_USER_COOKIE) ?? '';
                if (!USER_NAME.test(userName)) {
                  throw new Error('No example user chosen');
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
