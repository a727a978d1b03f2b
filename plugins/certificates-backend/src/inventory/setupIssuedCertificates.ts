import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import type { RequestStore } from '../requests/RequestStore';
import {
  IssuedCertificateRecorder,
  readHealthSettings,
} from './IssuedCertificateRecorder';
import { ApprovedRootsSource } from './parsing';
import { InventoryStore } from './store';

export interface SetupIssuedCertificatesOptions {
  config: Config;
  logger: LoggerService;
  scheduler: SchedulerService;
  store: InventoryStore;
  getApprovedRoots: ApprovedRootsSource;
  requests?: Pick<
    RequestStore,
    | 'transition'
    | 'transaction'
    | 'listIssuedWithoutCertificate'
    | 'getChainPem'
  >;
  /** Names of the discovered clusters (one must not be the portal's location). */
  clusterNames: string[];
}

/**
 * The recorder that puts CSR-issued certificates into the inventory, with
 * the task that re-judges them as they age and writes any row a crash left
 * out (at start too). Pass `recordInBackground` as onIssued.
 */
export async function setupIssuedCertificates(
  options: SetupIssuedCertificatesOptions,
): Promise<IssuedCertificateRecorder> {
  IssuedCertificateRecorder.assertLocationFree(options.clusterNames);
  const recorder = IssuedCertificateRecorder.create({
    store: options.store,
    getApprovedRoots: options.getApprovedRoots,
    requests: options.requests,
    logger: options.logger,
    ...readHealthSettings(options.config),
  });
  await options.scheduler.scheduleTask({
    id: 'certificates-issued-reevaluate',
    scope: 'local',
    frequency: { hours: 1 },
    timeout: { minutes: 10 },
    initialDelay: { minutes: 1 },
    fn: async () => {
      await recorder.catchUp();
      await recorder.reevaluate();
    },
  });
  recorder
    .catchUp()
    .then(n => {
      if (n > 0) {
        options.logger.info(
          `Added ${n} issued certificate(s) missing from the inventory`,
        );
      }
    })
    .catch(error =>
      options.logger.warn(`Catching up issued certificates failed: ${error}`),
    );
  return recorder;
}
