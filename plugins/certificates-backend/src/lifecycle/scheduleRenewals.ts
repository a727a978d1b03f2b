import {
  AuthService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { readOptionalDuration } from '../service/durations';
import { DEFAULT_RENEWAL_FRACTION } from '@kubecerts/backstage-plugin-certificates-common';
import { LifecycleService } from './LifecycleService';

/** The renewal settings under `certificates.renewal`, checked. */
export function readRenewalConfig(config: Config): {
  automatic: boolean;
  fraction: number;
} {
  const c = config.getOptionalConfig('certificates.renewal');
  const fraction = c?.getOptionalNumber('fraction') ?? DEFAULT_RENEWAL_FRACTION;
  if (!(fraction > 0 && fraction < 1)) {
    throw new Error(
      `certificates.renewal.fraction must be between 0 and 1 (exclusive), got ${fraction}`,
    );
  }
  return { automatic: c?.getOptionalBoolean('automatic') ?? true, fraction };
}

/**
 * Renews portal certificates automatically before they expire, every hour by
 * default (`certificates.renewal`). One instance runs it at a time; a
 * lineage gets one renewal whoever runs it.
 */
export async function scheduleRenewals(options: {
  scheduler: SchedulerService;
  config: Config;
  logger: LoggerService;
  auth: AuthService;
  lifecycle: LifecycleService;
}): Promise<void> {
  const { automatic, fraction } = readRenewalConfig(options.config);
  if (!automatic) return;
  const c = options.config.getOptionalConfig('certificates.renewal');
  await options.scheduler.scheduleTask({
    id: 'certificates-automatic-renewal',
    frequency: readOptionalDuration(c, 'frequency') ?? { hours: 1 },
    timeout: { minutes: 30 },
    initialDelay: { minutes: 1 },
    scope: 'global',
    fn: async () => {
      const credentials = await options.auth.getOwnServiceCredentials();
      const { renewed, failed } = await options.lifecycle.renewDue({
        credentials,
        fraction,
      });
      if (renewed || failed) {
        options.logger.info(
          `Automatic renewal: ${renewed} renewal request(s) made, ${failed} failed`,
        );
      }
    },
  });
}
