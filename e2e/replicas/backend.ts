/*
 * One replica for the multi-replica test: the certificates plugin with the
 * catalog, sign-in as an example user, notifications and the ACME module, configured by the
 * --config files the runner writes (PostgreSQL, the simulated API servers as
 * clusters, the listen port, a small catalog).
 */
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('../../packages/backend/src/authDemo'));
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));
backend.add(import('@kubecerts/backstage-plugin-certificates-backend'));
backend.add(
  import('@kubecerts/backstage-plugin-certificates-backend-module-acme'),
);
backend.start();
