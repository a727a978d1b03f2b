import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { scheduleIssuance } from './scheduleIssuance';

describe('scheduleIssuance', () => {
  it.each([
    [{}, { seconds: 30 }, { minutes: 5 }],
    [{ frequency: { seconds: 10 } }, { seconds: 10 }, { minutes: 5 }],
    [
      { frequency: { minutes: 1 }, timeout: { minutes: 2 } },
      { minutes: 1 },
      { minutes: 2 },
    ],
  ])('schedules with %j', async (issuance, frequency, timeout) => {
    const scheduler = mockServices.scheduler.mock();
    await scheduleIssuance({
      scheduler,
      issuance: { resume: async () => 0 } as any,
      config: new ConfigReader({ certificates: { issuance } }),
      logger: mockServices.logger.mock(),
    });
    expect(scheduler.scheduleTask).toHaveBeenCalledWith(
      expect.objectContaining({
        id: 'certificates-issuance',
        frequency,
        timeout,
        scope: 'global',
      }),
    );
  });
});
