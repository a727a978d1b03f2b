import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { scheduleExpiryNotifications } from './scheduleExpiryNotifications';

describe('scheduleExpiryNotifications', () => {
  const knex = {} as any;
  const schedule = async (expiry?: object) => {
    const scheduler = { scheduleTask: jest.fn() } as any;
    await scheduleExpiryNotifications({
      knex,
      scheduler,
      config: new ConfigReader({ certificates: { notifications: { expiry } } }),
      logger: mockServices.logger.mock(),
    });
    return scheduler.scheduleTask.mock.calls.map((c: any[]) => c[0]);
  };

  it('runs hourly by default, as configured, or not at all', async () => {
    expect(await schedule()).toEqual([
      expect.objectContaining({
        id: 'certificates-expiry-notifications',
        frequency: { hours: 1 },
        timeout: { minutes: 15 },
        scope: 'global',
      }),
    ]);
    expect(
      await schedule({ frequency: { minutes: 10 }, timeout: 'PT2M' }),
    ).toEqual([
      expect.objectContaining({
        frequency: { minutes: 10 },
        timeout: { minutes: 2 },
      }),
    ]);
    expect(await schedule({ enabled: false })).toEqual([]);
  });

  it('refuses thresholds that are not whole days at startup', async () => {
    await expect(schedule({ thresholdsDays: [7, 0.5] })).rejects.toThrow(
      /whole days greater than 0/,
    );
  });
});
