import { createFrontendPlugin } from '@backstage/frontend-plugin-api';

/**
 * The certificates plugin for the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'certificates',
  extensions: [],
});
