import {
  LoggerService,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
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
  const schedule = configured?.has('frequency')
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(configured)
    : { frequency: { seconds: 30 }, timeout: { minutes: 5 }, initialDelay: { seconds: 5 } };
  await options.scheduler.scheduleTask({
    id: 'certificates-issuance',
    ...schedule,
    timeout: schedule.timeout ?? { minutes: 5 },
    scope: 'global',
    fn: async () => {
      const handled = await options.issuance.resume();
      if (handled) {
        options.logger.info(`Resumed or followed ${handled} certificate request(s)`);
      }
    },
  });
}
