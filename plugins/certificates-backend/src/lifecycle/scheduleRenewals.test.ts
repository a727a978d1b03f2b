import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { readRenewalConfig, scheduleRenewals } from './scheduleRenewals';

const config = (renewal?: object) =>
  new ConfigReader(renewal ? { certificates: { renewal } } : {});

describe('scheduleRenewals', () => {
  it('reads the defaults and refuses a fraction outside (0, 1)', () => {
    expect(readRenewalConfig(config())).toEqual({
      automatic: true,
      fraction: 2 / 3,
    });
    expect(readRenewalConfig(config({ fraction: 0.5 })).fraction).toBe(0.5);
    for (const fraction of [0, 1, 1.5, -0.2]) {
      expect(() => readRenewalConfig(config({ fraction }))).toThrow(
        /must be between 0 and 1/,
      );
    }
  });

  it('schedules one global task that renews with the plugin credentials, unless turned off', async () => {
    const scheduler = mockServices.scheduler.mock();
    const lifecycle = {
      renewDue: jest.fn(async () => ({ renewed: 2, failed: 1 })),
    };
    const auth = mockServices.auth();
    await scheduleRenewals({
      scheduler,
      config: config({ fraction: 0.75, frequency: { minutes: 10 } }),
      logger: mockServices.logger.mock(),
      auth,
      lifecycle: lifecycle as any,
    });
    expect(scheduler.scheduleTask).toHaveBeenCalledTimes(1);
    const task = scheduler.scheduleTask.mock.calls[0][0];
    expect(task).toMatchObject({
      id: 'certificates-automatic-renewal',
      frequency: { minutes: 10 },
      scope: 'global',
    });
    await task.fn(new AbortController().signal as any);
    expect(lifecycle.renewDue).toHaveBeenCalledWith({
      credentials: expect.objectContaining({
        principal: expect.objectContaining({ type: 'service' }),
      }),
      fraction: 0.75,
    });

    const off = mockServices.scheduler.mock();
    await scheduleRenewals({
      scheduler: off,
      config: config({ automatic: false }),
      logger: mockServices.logger.mock(),
      auth,
      lifecycle: lifecycle as any,
    });
    expect(off.scheduleTask).not.toHaveBeenCalled();
  });
});
