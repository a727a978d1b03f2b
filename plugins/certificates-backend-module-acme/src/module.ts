import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { certificatesIssuersExtensionPoint } from '@internal/plugin-certificates-node';

/** ACME issuers configured under certificates.acme. */
export const certificatesModuleAcme = createBackendModule({
  pluginId: 'certificates',
  moduleId: 'acme',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        issuers: certificatesIssuersExtensionPoint,
      },
      async init() {},
    });
  },
});
