import { NotFoundError } from '@backstage/errors';
import { CertificateRequest } from '@kubecerts/backstage-plugin-certificates-common';
import type { InventoryLifecyclePort } from '../inventory/router/ports';

/**
 * A notifier that tells no one, for suites about something else: services
 * require one, as production always has the notifications plugin's.
 */
export function silentNotifier() {
  const nothing = async (_request: CertificateRequest) => undefined;
  return {
    requestQueued: nothing,
    requestDecided: nothing,
    requestIssued: nothing,
    requestFailed: nothing,
    requestCancelled: nothing,
  };
}

/**
 * A lifecycle that offers nothing, for suites about reading the inventory:
 * the inventory routes require one, as production always wires renewal.
 */
export function noLifecycle(): InventoryLifecyclePort {
  const refused = { allowed: false, reason: 'Not offered here' };
  return {
    actionsFor: async () => ({ renew: refused, revoke: refused }),
    renew: async () => {
      throw new NotFoundError('Renewal is not available');
    },
    revoke: async () => {
      throw new NotFoundError('Revocation is not available');
    },
  };
}
