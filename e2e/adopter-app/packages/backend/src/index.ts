import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('@backstage/plugin-catalog-backend'));

// The certificates plugin, and the simulated cluster it finds certificates in
backend.add(import('@kubecerts/backstage-plugin-certificates-backend'));
backend.add(
  import(
    '@kubecerts/backstage-plugin-certificates-backend-module-demo-cluster'
  ),
);

backend.start();
