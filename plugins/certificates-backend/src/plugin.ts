import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import {
  CertificateIssuer,
  CertificatesClusterSource,
  certificatesClusterSourceExtensionPoint,
  certificatesIssuersExtensionPoint,
} from '@kubecerts/backstage-plugin-certificates-node';
import { readCertificatesSettings } from './config';
import { createServices } from './createServices';
import { applyDatabaseMigrations, configureSqlite } from './database';
import { registerPermissions } from './permissions';
import { createRouter } from './router';
import { registerTasks } from './tasks';

/**
 * The certificates backend plugin. This file only wires services together;
 * behaviour lives in the modules it composes.
 */
export const certificatesPlugin = createBackendPlugin({
  pluginId: 'certificates',
  register(env) {
    const moduleIssuers: CertificateIssuer[] = [];
    env.registerExtensionPoint(certificatesIssuersExtensionPoint, {
      addIssuer(issuer) {
        moduleIssuers.push(issuer);
      },
    });
    const clusterSources: CertificatesClusterSource[] = [];
    env.registerExtensionPoint(certificatesClusterSourceExtensionPoint, {
      addClusterSource(source) {
        clusterSources.push(source);
      },
    });

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        userInfo: coreServices.userInfo,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        lifecycle: coreServices.lifecycle,
        catalog: catalogServiceRef,
        auth: coreServices.auth,
        notifications: notificationService,
        signals: signalsServiceRef,
      },
      async init(deps) {
        // Before anything is written: a bad setting stops the start here.
        const settings = readCertificatesSettings(deps.config);
        const knex = await deps.database.getClient();
        await applyDatabaseMigrations({ knex, database: deps.database });
        await configureSqlite(knex);

        const services = await createServices({
          settings,
          config: deps.config,
          knex,
          logger: deps.logger,
          userInfo: deps.userInfo,
          permissions: deps.permissions,
          auditor: deps.auditor,
          catalog: deps.catalog,
          auth: deps.auth,
          notifications: deps.notifications,
          signals: deps.signals,
          moduleIssuers,
          clusterSources,
        });
        registerPermissions(deps.permissionsRegistry, {
          requests: services.requestStore,
          certificates: services.inventoryStore,
        });
        await registerTasks({
          settings,
          services,
          scheduler: deps.scheduler,
          lifecycle: deps.lifecycle,
          logger: deps.logger,
          auth: deps.auth,
        });

        const { httpAuth, userInfo, permissions } = deps;
        deps.httpRouter.use(
          await createRouter({
            logger: deps.logger,
            httpAuth,
            ca: {
              httpAuth,
              issuers: services.issuers,
              builtinCa: services.builtinCa,
              trustBundle: services.trustBundle,
            },
            requests: {
              httpAuth,
              userInfo,
              permissions,
              auditor: deps.auditor,
              service: services.requestService,
              store: services.requestStore,
              audit: services.audit,
            },
            approvals: {
              service: services.approvals,
              audit: services.audit,
              httpAuth,
              userInfo,
              permissions,
              external: services.externalApprovals,
              auditor: deps.auditor,
            },
            inventory: {
              store: services.inventoryStore,
              httpAuth,
              userInfo,
              permissions,
              lifecycle: services.lifecycle,
            },
            trust: {
              httpAuth,
              userInfo,
              permissions,
              store: services.trustStore,
              changes: services.trustChanges,
              distributor: services.trustDistributor,
              approvals: settings.trust.approvals,
            },
            endpoints: {
              httpAuth,
              permissions,
              inventory: services.inventoryStore,
              statuses: services.endpointStatuses,
            },
          }),
        );
        deps.httpRouter.addAuthPolicy({
          path: '/trust-bundle.pem',
          allow: 'unauthenticated',
        });
        deps.httpRouter.addAuthPolicy({
          path: '/crl',
          allow: 'unauthenticated',
        });
        deps.httpRouter.addAuthPolicy({
          path: '/health',
          allow: 'unauthenticated',
        });
        // The API's contract, as Backstage's own plugins publish theirs.
        deps.httpRouter.addAuthPolicy({
          path: '/openapi.json',
          allow: 'unauthenticated',
        });
      },
    });
  },
});
