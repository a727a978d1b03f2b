import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { Config, readDurationFromConfig } from '@backstage/config';
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
  // Each setting on its own: the scheduler's own reader wants a timeout too,
  // and `frequency` alone (as documented) stopped the backend at start.
  const duration = (key: string) =>
    configured?.has(key)
      ? readDurationFromConfig(configured, { key })
      : undefined;
  await options.scheduler.scheduleTask({
    id: 'certificates-issuance',
    frequency: duration('frequency') ?? { seconds: 30 },
    timeout: duration('timeout') ?? { minutes: 5 },
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
