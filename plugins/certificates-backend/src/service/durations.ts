import { HumanDuration } from '@backstage/types';
import { Config, readDurationFromConfig } from '@backstage/config';

/**
 * The duration at `key` of an optional config section (e.g. a scheduled
 * task's `frequency`), or undefined when it is not set. Each key is read on
 * its own: the scheduler's own reader requires a timeout as well.
 */
export function readOptionalDuration(
  config: Config | undefined,
  key: string,
): HumanDuration | undefined {
  return config?.has(key) ? readDurationFromConfig(config, { key }) : undefined;
}
