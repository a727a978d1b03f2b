import { ComponentType } from 'react';
import {
  ApiBlueprint,
  PageBlueprint,
  SubPageBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';
import { Content } from '@backstage/core-components';
import SecurityIcon from '@material-ui/icons/Security';
import {
  APPROVALS_PAGE_PATH,
  CERTIFICATES_PAGE_PATH,
  ENTITY_CERTIFICATES_TAB_PATH,
  TRUST_PAGE_PATH,
} from '@kubecerts/backstage-plugin-certificates-common';
import { CertificatesClient, certificatesApiRef } from './api';
import { approvalsRouteRef, rootRouteRef, trustRouteRef } from './routes';
import { ApprovalsNavIcon } from './components/Approvals/ApprovalsNavIcon';
import { loadEntityCertificatesContent } from './components/entityTabLoader';
import { isCertificatesAvailable } from './entity';

export { isCertificatesAvailable } from './entity';

/** The HTTP client of the certificates backend. */
export const certificatesApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: certificatesApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new CertificatesClient({ discoveryApi, fetchApi }),
    }),
});

/** The inventory page, `page:certificates`, with its nav item. */
export const certificatesPage = PageBlueprint.make({
  params: {
    path: CERTIFICATES_PAGE_PATH,
    title: 'Certificates',
    icon: <SecurityIcon />,
    routeRef: convertLegacyRouteRef(rootRouteRef),
    loader: () =>
      import('./components/Inventory').then(m => (
        <Content>
          <m.InventoryPage />
        </Content>
      )),
  },
});

/**
 * The approvers' page, `page:certificates/approvals`; its nav icon carries the
 * number of requests waiting for the signed-in user. Queue, history and audit
 * are its tabs.
 */
export const approvalsPage = PageBlueprint.make({
  name: 'approvals',
  params: {
    path: APPROVALS_PAGE_PATH,
    title: 'Approvals',
    icon: <ApprovalsNavIcon />,
    routeRef: convertLegacyRouteRef(approvalsRouteRef),
  },
});

/** A tab of the approvals page; its content loads when first opened. */
function approvalsTab(
  name: string,
  params: { path: string; title: string },
  load: () => Promise<ComponentType>,
) {
  return SubPageBlueprint.make({
    attachTo: { id: 'page:certificates/approvals', input: 'pages' },
    name,
    params: {
      ...params,
      loader: () =>
        load().then(Tab => (
          <Content>
            <Tab />
          </Content>
        )),
    },
  });
}

export const approvalsQueueSubPage = approvalsTab(
  'approvals-queue',
  { path: 'queue', title: 'Queue' },
  () => import('./components/Approvals').then(m => m.ApprovalsQueue),
);

export const approvalsHistorySubPage = approvalsTab(
  'approvals-history',
  { path: 'history', title: 'Decided by me' },
  () => import('./components/Approvals').then(m => m.DecidedByMe),
);

export const auditSubPage = approvalsTab(
  'audit',
  { path: 'audit', title: 'Audit' },
  () => import('./components/Audit').then(m => m.AuditView),
);

/** The root of trust, `page:certificates/trust`: roots, root changes, distribution. */
export const trustPage = PageBlueprint.make({
  name: 'trust',
  params: {
    path: TRUST_PAGE_PATH,
    title: 'Trust',
    icon: <SecurityIcon />,
    routeRef: convertLegacyRouteRef(trustRouteRef),
    loader: () =>
      import('./components/Trust').then(m => (
        <Content>
          <m.TrustView />
        </Content>
      )),
  },
});

/** The Certificates tab of entities that run in Kubernetes, and of groups and systems. */
export const entityCertificatesContent = EntityContentBlueprint.make({
  params: {
    path: ENTITY_CERTIFICATES_TAB_PATH,
    title: 'Certificates',
    filter: isCertificatesAvailable,
    loader: () =>
      loadEntityCertificatesContent().then(m => (
        <m.EntityCertificatesContent />
      )),
  },
});

/** Certificate health on the entity overview. */
export const entityCertificatesCard = EntityCardBlueprint.make({
  params: {
    // Beside "About", where an owner looks first, not below the relations.
    type: 'info',
    filter: isCertificatesAvailable,
    loader: () =>
      import('./components/EntityCertificatesCard').then(m => (
        <m.EntityCertificatesCard />
      )),
  },
});

/** Home page widget: the signed-in user's certificates that need attention. */
export const myCertificatesHomeWidget = HomePageWidgetBlueprint.make({
  name: 'my-certificates',
  params: {
    title: 'My certificates that need attention',
    description:
      'Expiring, expired, weak or untrusted certificates of what you own.',
    components: () =>
      import('./components/Home').then(m => ({
        Content: m.MyCertificatesCard,
      })),
  },
});

/**
 * The certificates plugin for the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'certificates',
  title: 'Certificates',
  icon: <SecurityIcon />,
  routes: {
    root: convertLegacyRouteRef(rootRouteRef),
    approvals: convertLegacyRouteRef(approvalsRouteRef),
    trust: convertLegacyRouteRef(trustRouteRef),
  },
  extensions: [
    certificatesApi,
    certificatesPage,
    approvalsPage,
    approvalsQueueSubPage,
    approvalsHistorySubPage,
    auditSubPage,
    trustPage,
    entityCertificatesContent,
    entityCertificatesCard,
    myCertificatesHomeWidget,
  ],
});
