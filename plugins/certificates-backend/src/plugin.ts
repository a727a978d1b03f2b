import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  CertificateIssuer,
  CertificatesClusterSource,
  certificatesClusterSourceExtensionPoint,
  certificatesIssuersExtensionPoint,
} from '@kubecerts/backstage-plugin-certificates-node';
import { BuiltinCa, TrustBundle } from './ca';
import { applyDatabaseMigrations, configureSqlite } from './database';
import { IssuanceService, IssuerRegistry, scheduleIssuance } from './issuing';
import {
  DatabaseRequestStore,
  readMaxOpenPerUser,
  readPolicies,
  RequestService,
  RequestValidator,
} from './requests';
import { KubernetesDelivery } from './delivery';
import { DatabaseAuditLog } from './audit';
import { setupApprovals } from './approvals';
import { setupInClusterApprovals } from './incluster';
import { registerPermissions } from './permissions';
import { RequestNotifier, scheduleExpiryNotifications } from './notifications';
import { notificationService } from '@backstage/plugin-notifications-node';
import { createRouter } from './service/router';
import { LifecycleService } from './lifecycle/LifecycleService';
import { scheduleRenewals } from './lifecycle/scheduleRenewals';
import { setupDiscovery } from './discovery';
import { DatabaseInventoryStore } from './inventory';
import { setupIssuedCertificates } from './inventory/setupIssuedCertificates';

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
      },
      async init(deps) {
        const knex = await deps.database.getClient();
        await applyDatabaseMigrations({ knex, database: deps.database });
        await configureSqlite(knex);

        const builtinCa = await BuiltinCa.create({
          knex,
          config: deps.config,
          logger: deps.logger,
        });
        const issuers = IssuerRegistry.create({
          issuers: [builtinCa, ...moduleIssuers],
          certManagerIssuers: IssuerRegistry.readCertManagerIssuers(
            deps.config,
          ),
        });
        const trustBundle = TrustBundle.fromConfig({
          config: deps.config,
          builtinRootPem: builtinCa.rootCertificatePem,
        });

        const inventoryStore = DatabaseInventoryStore.create({ knex });
        // Returns { clusters, discovery }: delivery writes Secrets and
        // cert-manager Certificates through `clusters` (a ClusterRegistry).
        const { clusters } = await setupDiscovery({
          config: deps.config,
          logger: deps.logger,
          scheduler: deps.scheduler,
          lifecycle: deps.lifecycle,
          catalog: deps.catalog,
          auth: deps.auth,
          store: inventoryStore,
          getApprovedRoots: () => trustBundle.getApprovedRoots(),
          clusterSources,
        });

        const audit = DatabaseAuditLog.create({
          knex,
          auditor: deps.auditor,
          logger: deps.logger,
        });
        const requestStore = DatabaseRequestStore.create({ knex });
        registerPermissions(deps.permissionsRegistry, { requests: requestStore });
        const notifier = RequestNotifier.create({
          knex,
          notifications: deps.notifications,
          logger: deps.logger,
        });
        await scheduleExpiryNotifications({
          knex,
          scheduler: deps.scheduler,
          notifications: deps.notifications,
          config: deps.config,
          logger: deps.logger,
        });
        const delivery = KubernetesDelivery.create({
          clusters,
          requests: requestStore,
        });
        const validator = RequestValidator.create({
          issuers,
          catalog: deps.catalog,
          auth: deps.auth,
          policies: readPolicies(deps.config),
          clusterNames: () => clusters.list().map(c => c.name),
          deliveryTarget: delivery.targets,
        });
        const issuedCertificates = await setupIssuedCertificates({
          config: deps.config,
          logger: deps.logger,
          scheduler: deps.scheduler,
          store: inventoryStore,
          getApprovedRoots: () => trustBundle.getApprovedRoots(),
          requests: requestStore,
          clusterNames: clusters.list().map(c => c.name),
        });
        const issuance = IssuanceService.create({
          store: requestStore,
          issuers,
          logger: deps.logger,
          audit,
          kubernetes: delivery,
          recheck: validator.recheck,
          onIssued: issuedCertificates.recordInBackground,
          inventory: issuedCertificates,
          notifier,
        });
        const requestService = RequestService.create({
          store: requestStore,
          validator,
          issuance,
          audit,
          logger: deps.logger,
          notifier,
          userInfo: deps.userInfo,
          maxOpenPerUser: readMaxOpenPerUser(deps.config),
        });
        const lifecycle = LifecycleService.create({
          knex,
          inventory: inventoryStore,
          requests: requestStore,
          issuers,
          submitter: requestService,
          clusters,
          permissions: deps.permissions,
          audit,
          logger: deps.logger,
        });
        await scheduleRenewals({
          scheduler: deps.scheduler,
          config: deps.config,
          logger: deps.logger,
          auth: deps.auth,
          lifecycle,
        });
        await scheduleIssuance({
          scheduler: deps.scheduler,
          issuance,
          config: deps.config,
          logger: deps.logger,
        });

        const approvals = await setupApprovals({
          knex,
          config: deps.config,
          logger: deps.logger,
          scheduler: deps.scheduler,
          httpAuth: deps.httpAuth,
          userInfo: deps.userInfo,
          permissions: deps.permissions,
          notifications: deps.notifications,
          audit,
          requests: requestStore,
          issuance,
          policies: readPolicies(deps.config),
          external: setupInClusterApprovals({
            knex,
            config: deps.config,
            logger: deps.logger,
            permissions: deps.permissions,
            audit,
            clusters,
            catalog: deps.catalog,
            auth: deps.auth,
          }),
          catalog: deps.catalog,
          auth: deps.auth,
          notifier,
        });

        deps.httpRouter.use(
          await createRouter({
            logger: deps.logger,
            httpAuth: deps.httpAuth,
            ca: { httpAuth: deps.httpAuth, issuers, builtinCa, trustBundle },
            requests: {
              httpAuth: deps.httpAuth,
              userInfo: deps.userInfo,
              permissions: deps.permissions,
              auditor: deps.auditor,
              service: requestService,
              store: requestStore,
              audit,
            },
            approvals: approvals.router,
            inventory: {
              store: inventoryStore,
              httpAuth: deps.httpAuth,
              userInfo: deps.userInfo,
              permissions: deps.permissions,
              lifecycle,
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
