import {
  BackstageCredentials,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  CertificateRequest,
  CertificateRequestInput,
  RenewOutcome,
} from '@kubecerts/backstage-plugin-certificates-common';
import { Knex } from 'knex';
import { AuditLog } from '../audit';
import { ClusterRegistry } from '../clusters/ClusterRegistry';
import { IssuerRegistry } from '../issuing/IssuerRegistry';
import { InventoryStore } from '../inventory/store';
import { RequestStore } from '../requests/RequestStore';

/** Who asks. */
export interface LifecycleCaller {
  credentials: BackstageCredentials;
  userEntityRef: string;
}

export type { RenewOutcome };

/** What renewal through a request needs from request submission. */
export interface RenewalSubmitter {
  submit(
    input: CertificateRequestInput,
    caller: LifecycleCaller,
    options: { renewalOf?: string },
  ): Promise<{
    request?: CertificateRequest;
    result: {
      ok: boolean;
      violations: Array<{ field: string; reason: string }>;
    };
  }>;
}

export interface LifecycleServiceOptions {
  knex: Knex;
  inventory: Pick<InventoryStore, 'getCertificate'>;
  requests: Pick<
    RequestStore,
    | 'get'
    | 'getChainPem'
    | 'getCsrPem'
    | 'recordRevocation'
    | 'findOpenRenewal'
    | 'findNewerInLineage'
    | 'pagesByState'
  >;
  issuers: Pick<IssuerRegistry, 'getSigner'>;
  submitter: RenewalSubmitter;
  clusters: ClusterRegistry;
  permissions: PermissionsService;
  audit: AuditLog;
  logger: LoggerService;
  now?: () => Date;
}
