import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { readOptionalDuration } from '../service/durations';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { Knex } from 'knex';
import { ExpiryNotifier } from './ExpiryNotifier';

/**
 * Notifies owners of certificates near expiry, every hour by default
 * (`certificates.notifications.expiry`). One instance runs it at a time;
 * the notices' claims keep it to once per threshold whatever runs it.
 */
export async function scheduleExpiryNotifications(options: {
  knex: Knex;
  scheduler: SchedulerService;
  notifications?: NotificationService;
  config: Config;
  logger: LoggerService;
}): Promise<void> {
  const configured = options.config.getOptionalConfig(
    'certificates.notifications.expiry',
  );
  if (configured?.getOptionalBoolean('enabled') === false) return;
  const notifier = ExpiryNotifier.create({
    knex: options.knex,
    notifications: options.notifications,
    logger: options.logger,
    thresholdsDays: configured?.getOptional<number[]>('thresholdsDays'),
  });
  await options.scheduler.scheduleTask({
    id: 'certificates-expiry-notifications',
    frequency: readOptionalDuration(configured, 'frequency') ?? { hours: 1 },
    timeout: readOptionalDuration(configured, 'timeout') ?? { minutes: 15 },
    initialDelay: { minutes: 1 },
    scope: 'global',
    fn: async () => {
      await notifier.run();
    },
  });
}
