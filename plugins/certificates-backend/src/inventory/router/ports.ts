import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  CertificateActions,
  CertificateDetails,
  CertificateRequest,
  RenewOutcome,
  RevocationReason,
} from '@kubecerts/backstage-plugin-certificates-common';

// What the inventory routes need from lifecycle, declared here: lifecycle
// builds on the inventory store, so inventory must not import it back.

/** Who asks, as lifecycle authorizes it. */
export interface InventoryCaller {
  credentials: BackstageCredentials;
  userEntityRef: string;
}

/** Renew and revoke as the routes offer them; LifecycleService satisfies it. */
export interface InventoryLifecyclePort {
  /** What the caller may do with this certificate, with the reasons. */
  actionsFor(
    row: CertificateDetails,
    caller: InventoryCaller,
  ): Promise<CertificateActions>;
  renew(id: string, caller: InventoryCaller): Promise<RenewOutcome>;
  revoke(
    id: string,
    input: { reason: RevocationReason; comment?: string },
    caller: InventoryCaller,
  ): Promise<CertificateRequest>;
}
