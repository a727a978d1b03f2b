import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { certificatesIssuersExtensionPoint } from '@kubecerts/backstage-plugin-certificates-node';
import {
  ACME_CHALLENGE_PATH,
  ChallengeSolver,
  Http01ChallengeResponder,
  WebhookChallengeSolver,
} from './challenges';
import { readAcmeConfig } from './config';
import { AcmeIssuer } from './issuer';
import { FileAcmeStateStore } from './state';

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
        issuers: certificatesIssuersExtensionPoint,
      },
      async init({ config, logger, rootHttpRouter, issuers }) {
        const settings = readAcmeConfig(config);
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
              state: FileAcmeStateStore.create({ dataDir: settings.dataDir, issuerId: s.id }),
              logger: logger.child({ issuer: s.id }),
            }),
          );
          logger.info(`ACME issuer '${s.id}' registered for ${s.directoryUrl} (${s.challenge.type} via ${s.challenge.solver})`);
        }
        if (responder) {
          // The CA calls this without credentials, on the root router (not /api).
          rootHttpRouter.use(ACME_CHALLENGE_PATH, responder.handler);
        }
      },
    });
  },
});
