import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createRequestCertificateAction } from './actions';

/** Adds the `certificates:request` action to the Scaffolder. */
export const scaffolderModuleCertificates = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'certificates',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
      },
      async init({ scaffolder, discovery, auth }) {
        scaffolder.addActions(
          createRequestCertificateAction({ discovery, auth }),
        );
      },
    });
  },
});
