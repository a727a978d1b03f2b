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
import { Entity } from '@backstage/catalog-model';
import { Content } from '@backstage/core-components';
import SecurityIcon from '@material-ui/icons/Security';
import { CertificatesClient, certificatesApiRef } from './api';
import { approvalsRouteRef, rootRouteRef } from './routes';
import { ApprovalsNavIcon } from './components/Approvals/ApprovalsNavIcon';
import { loadEntityCertificatesContent } from './components/entityTabLoader';

/** Kinds whose pages show certificates: what runs, what groups it, who owns it. */
const CERTIFICATE_KINDS = ['component', 'system', 'resource', 'group'];

export const isCertificatesEntity = (entity: Entity) =>
  CERTIFICATE_KINDS.includes(entity.kind.toLocaleLowerCase('en-US'));

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
    path: '/certificates',
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
    path: '/certificates/approvals',
    title: 'Approvals',
    icon: <ApprovalsNavIcon />,
    routeRef: convertLegacyRouteRef(approvalsRouteRef),
  },
});

export const approvalsQueueSubPage = SubPageBlueprint.make({
  attachTo: { id: 'page:certificates/approvals', input: 'pages' },
  name: 'approvals-queue',
  params: {
    path: 'queue',
    title: 'Queue',
    loader: () =>
      import('./components/Approvals').then(m => (
        <Content>
          <m.ApprovalsQueue />
        </Content>
      )),
  },
});

export const approvalsHistorySubPage = SubPageBlueprint.make({
  attachTo: { id: 'page:certificates/approvals', input: 'pages' },
  name: 'approvals-history',
  params: {
    path: 'history',
    title: 'Decided by me',
    loader: () =>
      import('./components/Approvals').then(m => (
        <Content>
          <m.DecidedByMe />
        </Content>
      )),
  },
});

export const auditSubPage = SubPageBlueprint.make({
  attachTo: { id: 'page:certificates/approvals', input: 'pages' },
  name: 'audit',
  params: {
    path: 'audit',
    title: 'Audit',
    loader: () =>
      import('./components/Audit').then(m => (
        <Content>
          <m.AuditView />
        </Content>
      )),
  },
});

/** The Certificates tab of components, systems, resources and groups. */
export const entityCertificatesContent = EntityContentBlueprint.make({
  params: {
    path: '/certificates',
    title: 'Certificates',
    filter: isCertificatesEntity,
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
    filter: isCertificatesEntity,
    loader: () =>
      import('./components/EntityCertificatesCard').then(m => (
        <m.EntityCertificatesCard />
      )),
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
  },
  extensions: [
    certificatesApi,
    certificatesPage,
    approvalsPage,
    approvalsQueueSubPage,
    approvalsHistorySubPage,
    auditSubPage,
    entityCertificatesContent,
    entityCertificatesCard,
  ],
});
