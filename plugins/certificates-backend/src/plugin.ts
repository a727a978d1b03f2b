import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  CertificateIssuer,
  certificatesIssuersExtensionPoint,
} from '@internal/plugin-certificates-node';
import { BuiltinCa, TrustBundle } from './ca';
import { applyDatabaseMigrations } from './database';
import { IssuerRegistry } from './issuing';
import { createRouter } from './service/router';
import { setupDiscovery } from './discovery';
import {
  DatabaseInventoryStore,
  registerCertificateResource,
} from './inventory';

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
      },
      async init(deps) {
        const knex = await deps.database.getClient();
        await applyDatabaseMigrations({ knex, database: deps.database });

        const builtinCa = await BuiltinCa.create({
          knex,
          config: deps.config,
          logger: deps.logger,
        });
        const issuers = IssuerRegistry.create({
          issuers: [builtinCa, ...moduleIssuers],
          certManagerIssuers: IssuerRegistry.readCertManagerIssuers(deps.config),
        });
        const trustBundle = TrustBundle.fromConfig({
          config: deps.config,
          builtinRootPem: builtinCa.rootCertificatePem,
        });

        const inventoryStore = DatabaseInventoryStore.create({ knex });
        registerCertificateResource(deps.permissionsRegistry);
        // Returns { clusters, discovery }: delivery writes Secrets and
        // cert-manager Certificates through `clusters` (a ClusterRegistry).
        await setupDiscovery({
          config: deps.config,
          logger: deps.logger,
          scheduler: deps.scheduler,
          lifecycle: deps.lifecycle,
          catalog: deps.catalog,
          auth: deps.auth,
          store: inventoryStore,
          getApprovedRoots: () => trustBundle.getApprovedRoots(),
        });

        deps.httpRouter.use(
          await createRouter({
            logger: deps.logger,
            httpAuth: deps.httpAuth,
            ca: { httpAuth: deps.httpAuth, issuers, builtinCa, trustBundle },
            inventory: {
              store: inventoryStore,
              httpAuth: deps.httpAuth,
              userInfo: deps.userInfo,
              permissions: deps.permissions,
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
      },
    });
  },
});
