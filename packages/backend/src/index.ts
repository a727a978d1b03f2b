import { createBackend } from '@backstage/backend-defaults';
import { demoSignInAllowed } from './authDemo';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

// Sign-in: guest, plus in development the example-user provider (see ./authDemo)
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
// The example-user sign-in refuses to start outside development.
if (demoSignInAllowed()) {
  backend.add(import('./authDemo'));
}

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

// Permissions: the sample certificates policy (./permissionPolicy)
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('./permissionPolicy'));

backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

// Software templates, with the certificates:request action (see examples/templates)
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(
  import('@kubecerts/backstage-plugin-scaffolder-backend-module-certificates'),
);

backend.add(import('@kubecerts/backstage-plugin-certificates-backend'));
backend.add(
  import('@kubecerts/backstage-plugin-certificates-backend-module-acme'),
);
// The simulated demo cluster, when no cluster is configured (see its README)
backend.add(
  import(
    '@kubecerts/backstage-plugin-certificates-backend-module-demo-cluster'
  ),
);

backend.start();
