import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { certificatesClusterSourceExtensionPoint } from '@kubecerts/backstage-plugin-certificates-node';
import { DemoClusterSource } from './DemoClusterSource';

/** Adds the simulated demo cluster when no other cluster is available. */
export const certificatesModuleDemoCluster = createBackendModule({
  pluginId: 'certificates',
  moduleId: 'demo-cluster',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        clusterSources: certificatesClusterSourceExtensionPoint,
      },
      async init({ config, logger, clusterSources }) {
        clusterSources.addClusterSource(
          DemoClusterSource.create({ config, logger }),
        );
      },
    });
  },
});
