import { CertificateRequest } from '@kubecerts/backstage-plugin-certificates-common';

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
  };
}
