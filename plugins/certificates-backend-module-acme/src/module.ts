import {
  coreServices,
  createBackendModule,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  certificatesIssuersExtensionPoint,
  migrateToLatest,
} from '@kubecerts/backstage-plugin-certificates-node';
import {
  ACME_CHALLENGE_PATH,
  ChallengeSolver,
  Http01ChallengeResponder,
  WebhookChallengeSolver,
} from './challenges';
import { readAcmeConfig } from './config';
import { AcmeIssuer } from './issuer';
import { DatabaseAcmeStateStore, FileAcmeStateStore } from './state';

/** ACME issuers configured under certificates.acme. */
export const certificatesModuleAcme = createBackendModule({
  pluginId: 'certificates',
  moduleId: 'acme',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        rootHttpRouter: coreServices.rootHttpRouter,
        database: coreServices.database,
        issuers: certificatesIssuersExtensionPoint,
      },
      async init({ config, logger, rootHttpRouter, database, issuers }) {
        const settings = readAcmeConfig(config);
        if (settings.issuers.length === 0) return;
        const knex = await database.getClient();
        if (!database.migrations?.skip) {
          await migrateToLatest({
            knex,
            directory: resolvePackagePath(
              '@kubecerts/backstage-plugin-certificates-backend-module-acme',
              'migrations',
            ),
            tableName: 'certificates_acme_knex_migrations',
          });
        }
        // The secret that already protects the built-in CA's keys.
        const encryptionKey = config.getOptionalString(
          'certificates.builtinCa.encryptionKey',
        );
        let responder: Http01ChallengeResponder | undefined;
        for (const s of settings.issuers) {
          let solver: ChallengeSolver;
          if (s.challenge.solver === 'webhook') {
            solver = WebhookChallengeSolver.create({
              issuerId: s.id,
              type: s.challenge.type,
              ...s.challenge.webhook,
            });
          } else {
            responder ??= Http01ChallengeResponder.create();
            solver = responder;
          }
          issuers.addIssuer(
            AcmeIssuer.create({
              ...s,
              solver,
              state: DatabaseAcmeStateStore.create({
                knex,
                issuerId: s.id,
                encryptionKey,
                accountKeys: FileAcmeStateStore.create({
                  dataDir: settings.dataDir,
                  issuerId: s.id,
                }),
              }),
              logger: logger.child({ issuer: s.id }),
            }),
          );
          if (!encryptionKey && !s.accountKeyPem) {
            logger.warn(
              `ACME issuer '${s.id}': the generated account key stays on this machine (no certificates.builtinCa.encryptionKey); replicas need accountKey in config to share the account`,
            );
          }
          logger.info(
            `ACME issuer '${s.id}' registered for ${s.directoryUrl} (${s.challenge.type} via ${s.challenge.solver})`,
          );
        }
        if (responder) {
          // The CA calls this without credentials, on the root router (not /api).
          rootHttpRouter.use(ACME_CHALLENGE_PATH, responder.handler);
        }
      },
    });
  },
});
