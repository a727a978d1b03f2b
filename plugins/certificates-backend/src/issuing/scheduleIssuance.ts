import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { readOptionalDuration } from '../service/durations';
import { IssuanceService } from './IssuanceService';

/**
 * Resumes approved requests and requests stuck in issuing (after a restart),
 * and follows cert-manager Certificates to issued or failed.
 */
export async function scheduleIssuance(options: {
  scheduler: SchedulerService;
  issuance: IssuanceService;
  config: Config;
  logger: LoggerService;
}): Promise<void> {
  const configured = options.config.getOptionalConfig('certificates.issuance');
  await options.scheduler.scheduleTask({
    id: 'certificates-issuance',
    frequency: readOptionalDuration(configured, 'frequency') ?? { seconds: 30 },
    timeout: readOptionalDuration(configured, 'timeout') ?? { minutes: 5 },
    initialDelay: { seconds: 5 },
    scope: 'global',
    fn: async () => {
      const handled = await options.issuance.resume();
      if (handled) {
        options.logger.info(
          `Resumed or followed ${handled} certificate request(s)`,
        );
      }
    },
  });
}
