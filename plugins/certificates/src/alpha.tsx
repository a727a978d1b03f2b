import {
  ApiBlueprint,
  PageBlueprint,
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
import SecurityIcon from '@material-ui/icons/Security';
import { CertificatesClient, certificatesApiRef } from './api';
import { rootRouteRef } from './routes';

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
      import('./components/Inventory').then(m => <m.InventoryPage />),
  },
});

/** The Certificates tab of components, systems, resources and groups. */
export const entityCertificatesContent = EntityContentBlueprint.make({
  params: {
    path: '/certificates',
    title: 'Certificates',
    filter: isCertificatesEntity,
    loader: () =>
      import('./components/EntityCertificatesContent').then(m => (
        <m.EntityCertificatesContent />
      )),
  },
});

/** Certificate health on the entity overview. */
export const entityCertificatesCard = EntityCardBlueprint.make({
  params: {
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
  },
  extensions: [
    certificatesApi,
    certificatesPage,
    entityCertificatesContent,
    entityCertificatesCard,
  ],
});
