import {
  CertificateRequest,
  RequestState,
} from '@kubecerts/backstage-plugin-certificates-common';
import { newRequestId } from './requestId';
import type { NewRequest, RequestPatch } from './RequestStore';

export const REQUESTS_TABLE = 'certificates_requests';

export interface RequestRow {
  id: string;
  entity_ref: string;
  requester: string;
  owner_ref: string | null;
  requester_is_owner: boolean | number | null;
  policy_name: string;
  approvals_required: number;
  approvers: string;
  common_name: string | null;
  dns_names: string;
  ip_addresses: string;
  uris: string;
  key_algorithm: string;
  validity_days: number;
  issuer: string;
  client_auth: boolean | number;
  justification: string | null;
  delivery_kind: string;
  delivery_cluster: string | null;
  delivery_namespace: string | null;
  delivery_secret_name: string | null;
  csr_pem: string | null;
  csr_fingerprint: string | null;
  renewal_of: string | null;
  in_cluster: string | null;
  created_at: string;
  state: string;
  pending_reason: string | null;
  decisions: string;
  failure_reason: string | null;
  certificate_id: string | null;
  serial_number: string | null;
  not_after: string | null;
  chain_pem: string | null;
  updated_at: string;
  revoked_at: string | null;
  revocation_reason: string | null;
}

/** Every column but the large ones, for lists and reads. */
export const REQUEST_COLUMNS = [
  'id',
  'entity_ref',
  'requester',
  'owner_ref',
  'requester_is_owner',
  'policy_name',
  'approvals_required',
  'approvers',
  'common_name',
  'dns_names',
  'ip_addresses',
  'uris',
  'key_algorithm',
  'validity_days',
  'issuer',
  'client_auth',
  'justification',
  'delivery_kind',
  'delivery_cluster',
  'delivery_namespace',
  'delivery_secret_name',
  'csr_fingerprint',
  'renewal_of',
  'in_cluster',
  'created_at',
  'state',
  'pending_reason',
  'decisions',
  'failure_reason',
  'certificate_id',
  'serial_number',
  'not_after',
  'updated_at',
  'revoked_at',
  'revocation_reason',
];

/** Every column, in insert order. */
export const ALL_REQUEST_COLUMNS: ReadonlyArray<keyof RequestRow> = [
  ...REQUEST_COLUMNS,
  'csr_pem',
  'chain_pem',
] as Array<keyof RequestRow>;

function opt<T>(value: T | null): T | undefined {
  return value === null ? undefined : value;
}

export function rowToRequest(row: RequestRow): CertificateRequest {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    requester: row.requester,
    ownerRef: opt(row.owner_ref),
    requesterIsOwner:
      row.requester_is_owner === null || row.requester_is_owner === undefined
        ? undefined
        : Boolean(row.requester_is_owner),
    policyName: row.policy_name,
    approvalsRequired: Number(row.approvals_required),
    approvers: JSON.parse(row.approvers),
    commonName: opt(row.common_name),
    dnsNames: JSON.parse(row.dns_names),
    ipAddresses: JSON.parse(row.ip_addresses),
    uris: JSON.parse(row.uris),
    keyAlgorithm: row.key_algorithm as CertificateRequest['keyAlgorithm'],
    validityDays: Number(row.validity_days),
    issuer: row.issuer,
    clientAuth: Boolean(row.client_auth),
    justification: opt(row.justification),
    delivery: {
      kind: row.delivery_kind as CertificateRequest['delivery']['kind'],
      cluster: opt(row.delivery_cluster),
      namespace: opt(row.delivery_namespace),
      secretName: opt(row.delivery_secret_name),
      csrFingerprint: opt(row.csr_fingerprint),
    },
    renewalOf: opt(row.renewal_of),
    inCluster: row.in_cluster ? JSON.parse(row.in_cluster) : undefined,
    createdAt: row.created_at,
    state: row.state as RequestState,
    pendingReason: opt(row.pending_reason),
    decisions: JSON.parse(row.decisions),
    failureReason: opt(row.failure_reason),
    certificateId: opt(row.certificate_id),
    serialNumber: opt(row.serial_number),
    notAfter: opt(row.not_after),
    updatedAt: row.updated_at,
    revokedAt: opt(row.revoked_at),
    revocationReason: opt(row.revocation_reason),
  };
}

/** The row of a request as submitted, created and last changed `at`. */
export function requestToRow(request: NewRequest, at: string): RequestRow {
  return {
    id: request.id ?? newRequestId(),
    entity_ref: request.entityRef,
    requester: request.requester,
    owner_ref: request.ownerRef ?? null,
    requester_is_owner: request.requesterIsOwner === true,
    policy_name: request.policyName,
    approvals_required: request.approvalsRequired,
    approvers: JSON.stringify(request.approvers),
    common_name: request.commonName ?? null,
    dns_names: JSON.stringify(request.dnsNames),
    ip_addresses: JSON.stringify(request.ipAddresses ?? []),
    uris: JSON.stringify(request.uris ?? []),
    key_algorithm: request.keyAlgorithm,
    validity_days: request.validityDays,
    issuer: request.issuer,
    client_auth: !!request.clientAuth,
    justification: request.justification ?? null,
    delivery_kind: request.delivery.kind,
    delivery_cluster: request.delivery.cluster ?? null,
    delivery_namespace: request.delivery.namespace ?? null,
    delivery_secret_name: request.delivery.secretName ?? null,
    csr_pem: request.csrPem ?? null,
    csr_fingerprint: request.delivery.csrFingerprint ?? null,
    renewal_of: request.renewalOf ?? null,
    in_cluster: request.inCluster ? JSON.stringify(request.inCluster) : null,
    created_at: at,
    state: request.state,
    pending_reason: request.pendingReason ?? null,
    decisions: '[]',
    failure_reason: request.failureReason ?? null,
    certificate_id: request.certificateId ?? null,
    serial_number: request.serialNumber ?? null,
    not_after: request.notAfter ?? null,
    chain_pem: request.chainPem ?? null,
    updated_at: at,
    revoked_at: null,
    revocation_reason: null,
  };
}

/**
 * The columns a transition sets, changed `at`: its state and what the patch
 * gives (the lease it releases is the caller's).
 */
export function transitionToRow(
  to: RequestState,
  patch: RequestPatch,
  at: string,
): Partial<RequestRow> {
  const update: Partial<RequestRow> = { state: to, updated_at: at };
  if (patch.pendingReason !== undefined)
    update.pending_reason = patch.pendingReason;
  if (patch.decisions !== undefined)
    update.decisions = JSON.stringify(patch.decisions);
  if (patch.failureReason !== undefined)
    update.failure_reason = patch.failureReason;
  if (patch.certificateId !== undefined)
    update.certificate_id = patch.certificateId;
  if (patch.serialNumber !== undefined)
    update.serial_number = patch.serialNumber;
  if (patch.notAfter !== undefined) update.not_after = patch.notAfter;
  if (patch.chainPem !== undefined) update.chain_pem = patch.chainPem;
  return update;
}
