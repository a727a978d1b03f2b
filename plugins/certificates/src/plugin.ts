import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
  RouteRef,
} from '@backstage/core-plugin-api';
import { createCardExtension } from '@backstage/plugin-home-react';
import { CertificatesClient, certificatesApiRef } from './api';
import { approvalsRouteRef, rootRouteRef, trustRouteRef } from './routes';
import { loadEntityCertificatesContent } from './components/entityTabLoader';

/**
 * The certificates plugin for apps on the legacy frontend system.
 * The new frontend system uses the default export of `/alpha`.
 */
export const certificatesPlugin = createPlugin({
  id: 'certificates',
  apis: [
    createApiFactory({
      api: certificatesApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new CertificatesClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    root: rootRouteRef,
    approvals: approvalsRouteRef,
    trust: trustRouteRef,
  },
});

/** A page of this plugin at its route, loaded when first shown. */
function providePage<T extends (props: {}) => JSX.Element | null>(options: {
  name: string;
  mountPoint: RouteRef;
  component: () => Promise<T>;
}) {
  return certificatesPlugin.provide(createRoutableExtension(options));
}

/** The inventory page; mount it at /certificates. */
export const CertificatesPage = providePage({
  name: 'CertificatesPage',
  mountPoint: rootRouteRef,
  component: () =>
    import('./components/Inventory').then(m => m.CertificatesPage),
});

/** Certificate health of the current entity, for its overview. */
export const EntityCertificatesCard = certificatesPlugin.provide(
  createComponentExtension({
    name: 'EntityCertificatesCard',
    component: {
      lazy: () =>
        import('./components/EntityCertificatesCard').then(
          m => m.EntityCertificatesCard,
        ),
    },
  }),
);

/** The Certificates tab of an entity. */
export const EntityCertificatesContent = certificatesPlugin.provide(
  createComponentExtension({
    name: 'EntityCertificatesContent',
    component: {
      lazy: () =>
        loadEntityCertificatesContent().then(m => m.EntityCertificatesContent),
    },
  }),
);

/** The approvers' page (queue, decided by me, audit); mount it at /certificates/approvals. */
export const CertificateApprovalsPage = providePage({
  name: 'CertificateApprovalsPage',
  mountPoint: approvalsRouteRef,
  component: () => import('./components/Approvals').then(m => m.ApprovalsPage),
});

/** The root of trust (approved roots, root changes, distribution); mount it at /certificates/trust. */
export const CertificatesTrustPage = providePage({
  name: 'CertificatesTrustPage',
  mountPoint: trustRouteRef,
  component: () => import('./components/Trust').then(m => m.TrustPage),
});

/**
 * Home page card (for `@backstage/plugin-home`): the signed-in user's
 * certificates that are expiring, expired, weak or untrusted.
 */
export const HomePageMyCertificatesCard = certificatesPlugin.provide(
  createCardExtension<{ limit?: number }>({
    name: 'HomePageMyCertificatesCard',
    title: 'My certificates that need attention',
    components: () =>
      import('./components/Home').then(m => ({
        Content: m.MyCertificatesCard,
      })),
  }),
);
