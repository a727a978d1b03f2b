import { createApp } from '@backstage/frontend-defaults';

// `app.packages: all` in app-config.yaml discovers every frontend plugin
// listed in this package's dependencies, the certificates plugin included.
export default createApp();
