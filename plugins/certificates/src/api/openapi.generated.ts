// Generated from plugins/certificates-backend/src/schema/openapi.yaml by
// `node scripts/openapi.mjs`: edit the YAML and regenerate, never this file.
/* eslint-disable */
import type * as Common from '@kubecerts/backstage-plugin-certificates-common';
export interface paths {
  '/health': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['health'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/issuers': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['listIssuers'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/trust-bundle.pem': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['getTrustBundle'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/crl/{issuerId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['getCrl'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/policy': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['getPolicy'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/requests/validate': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post: operations['validateRequest'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/requests': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['listRequests'];
    put?: never;
    post: operations['createRequest'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/requests/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['getRequest'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/requests/{id}/chain.pem': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['getRequestChainPem'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/requests/{id}/cancel': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post: operations['cancelRequest'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/requests/{id}/decision': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post: operations['decide'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/approvals': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['listApprovals'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/approvals/bulk': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post: operations['bulkDecide'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/approvals/count': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['getApprovalsCount'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/approvals/history': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['listApprovalsHistory'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/audit': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['listAudit'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/certificates': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['listCertificates'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/certificates/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['getCertificate'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/certificates/{id}/endpoint': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['getEndpointScanStatus'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/certificates/{id}/chain.pem': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['getCertificateChainPem'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/certificates/{id}/renew': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post: operations['renewCertificate'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/certificates/{id}/revoke': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post: operations['revokeCertificate'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/counts': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['getCounts'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/timeline': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['getTimeline'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/export.csv': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['exportCsv'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/clusters': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['listClusters'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/trust': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['getTrust'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/trust/changes': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post: operations['requestTrustChange'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/trust/changes/{id}/decision': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post: operations['decideTrustChange'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/trust/sync': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post: operations['syncTrust'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    Error: {
      error: {
        name: string;
        message: string;
      };
      request?: {
        method?: string;
        url?: string;
      };
      response?: {
        statusCode?: number;
      };
    };
    /** @enum {string} */
    CertificateStatus: Common.CertificateStatus;
    /** @enum {string} */
    FindingKind: Common.FindingKind;
    /** @enum {string} */
    KeyAlgorithm: 'RSA' | 'EC' | 'Ed25519' | 'Ed448' | 'DSA' | 'unknown';
    /** @enum {string} */
    KeyAlgorithmChoice: Common.KeyAlgorithmChoice;
    /** @enum {string} */
    DeliveryKind: Common.DeliveryKind;
    /** @enum {string} */
    RequestState: Common.RequestState;
    /** @enum {string} */
    AuditAction: Common.AuditAction;
    /** @enum {string} */
    RevocationReason: Common.RevocationReason;
    /** @enum {string} */
    DecisionKind: Common.DecisionKind;
    Violation: Common.Violation;
    ValidationResult: Common.ValidationResult;
    Delivery: Common.Delivery;
    CertificateRequestInput: Common.CertificateRequestInput;
    DecisionInput: {
      decision: components['schemas']['DecisionKind'];
      /** @description Required to deny. */
      reason?: string;
    };
    BulkDecisionInput: {
      ids: string[];
      decision: components['schemas']['DecisionKind'];
      /** @description Required to deny. */
      reason?: string;
    };
    BulkDecisionResult: Common.BulkDecisionResult;
    RevokeInput: {
      reason: components['schemas']['RevocationReason'];
      comment?: string;
    };
    ApprovalDecision: Common.ApprovalDecision;
    CertificateRequest: Common.CertificateRequest;
    RequestListResponse: Common.RequestListResponse;
    ApprovalsListResponse: Common.ApprovalsListResponse;
    AuditRecord: Common.AuditRecord;
    IssuerInfo: Common.IssuerInfo;
    EntityPolicy: Common.EntityPolicy;
    RenewOutcome: Common.RenewOutcome;
    CertificateSummary: Common.CertificateSummary;
    CertificateDetails: Common.CertificateDetails;
    CertificateListResponse: Common.CertificateListResponse;
    CountsResponse: Common.CountsResponse;
    TimelineBucket: Common.TimelineBucket;
    ClusterSyncStatus: Common.ClusterSyncStatus;
    EndpointScanStatus: Common.EndpointScanStatus;
  };
  responses: {
    /** @description An error from @backstage/errors. */
    ErrorResponse: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['Error'];
      };
    };
    /** @description The request breaks the policy or the schema; each violation names its field. */
    ViolationsResponse: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['Error'] & {
          violations: components['schemas']['Violation'][];
        };
      };
    };
  };
  parameters: {
    id: string;
    issuerId: string;
    /** @description Page size. */
    limit: string;
    /** @description The `nextCursor` of the page before. */
    cursor: string;
    entityRefFilter: string[];
    ownerFilter: string[];
    locationFilter: string[];
    clusterFilter: string[];
    namespaceFilter: string[];
    statusFilter: components['schemas']['CertificateStatus'][];
    findingFilter: components['schemas']['FindingKind'][];
    issuerFilter: string[];
    /** @description Free text matched against names and DNS names. */
    q: string;
    includeGone: 'true' | 'false';
    /** @description ISO 8601 date or instant. */
    expiresBefore: string;
    sort: Common.SortField;
    order: 'asc' | 'desc';
  };
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
  health: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The plugin answers. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @constant */
            status: 'ok';
          };
        };
      };
    };
  };
  listIssuers: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The issuers requests may name. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            items: components['schemas']['IssuerInfo'][];
          };
        };
      };
      401: components['responses']['ErrorResponse'];
    };
  };
  getTrustBundle: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The CA certificates relying parties should trust, as PEM. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'text/plain': string;
        };
      };
    };
  };
  getCrl: {
    parameters: {
      query?: never;
      header?: {
        'If-None-Match'?: string;
      };
      path: {
        issuerId: components['parameters']['issuerId'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The issuer's current CRL (DER). */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/pkix-crl': string;
        };
      };
      /** @description The CRL has not changed since the given ETag. */
      304: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      404: components['responses']['ErrorResponse'];
    };
  };
  getPolicy: {
    parameters: {
      query: {
        entityRef: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The policy that applies to the entity and what it allows. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['EntityPolicy'];
        };
      };
      400: components['responses']['ErrorResponse'];
    };
  };
  validateRequest: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CertificateRequestInput'];
      };
    };
    responses: {
      /** @description The request would be accepted. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ValidationResult'];
        };
      };
      400: components['responses']['ViolationsResponse'];
      403: components['responses']['ErrorResponse'];
    };
  };
  listRequests: {
    parameters: {
      query?: {
        entityRef?: string;
        state?: components['schemas']['RequestState'][];
        mine?: 'true' | 'false';
        /** @description Page size. */
        limit?: components['parameters']['limit'];
        /** @description The `nextCursor` of the page before. */
        cursor?: components['parameters']['cursor'];
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description One page of requests the caller may read, newest first. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RequestListResponse'];
        };
      };
    };
  };
  createRequest: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CertificateRequestInput'];
      };
    };
    responses: {
      /** @description The stored request. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CertificateRequest'];
        };
      };
      400: components['responses']['ViolationsResponse'];
      403: components['responses']['ErrorResponse'];
      429: components['responses']['ErrorResponse'];
    };
  };
  getRequest: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: components['parameters']['id'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The request with its audit trail. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            request: components['schemas']['CertificateRequest'];
            audit: components['schemas']['AuditRecord'][];
          };
        };
      };
      404: components['responses']['ErrorResponse'];
    };
  };
  getRequestChainPem: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: components['parameters']['id'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The issued chain, leaf first, as PEM. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/x-pem-file': string;
        };
      };
      404: components['responses']['ErrorResponse'];
    };
  };
  cancelRequest: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: components['parameters']['id'];
      };
      cookie?: never;
    };
    requestBody?: {
      content: {
        'application/json': Record<string, unknown>;
      };
    };
    responses: {
      /** @description The cancelled request. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CertificateRequest'];
        };
      };
      404: components['responses']['ErrorResponse'];
      409: components['responses']['ErrorResponse'];
    };
  };
  decide: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: components['parameters']['id'];
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['DecisionInput'];
      };
    };
    responses: {
      /** @description The request after the decision. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CertificateRequest'];
        };
      };
      400: components['responses']['ErrorResponse'];
      403: components['responses']['ErrorResponse'];
      404: components['responses']['ErrorResponse'];
      409: components['responses']['ErrorResponse'];
    };
  };
  listApprovals: {
    parameters: {
      query?: {
        issuer?: components['parameters']['issuerFilter'];
        owner?: components['parameters']['ownerFilter'];
        minAgeHours?: string;
        /** @description Page size. */
        limit?: components['parameters']['limit'];
        /** @description The `nextCursor` of the page before. */
        cursor?: components['parameters']['cursor'];
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description One page of the caller's queue, oldest first. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ApprovalsListResponse'];
        };
      };
      400: components['responses']['ErrorResponse'];
    };
  };
  bulkDecide: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['BulkDecisionInput'];
      };
    };
    responses: {
      /** @description One result per distinct id, in the order given. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            results: components['schemas']['BulkDecisionResult'][];
          };
        };
      };
      400: components['responses']['ErrorResponse'];
    };
  };
  getApprovalsCount: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description How many requests wait for the caller. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            pending: number;
          };
        };
      };
    };
  };
  listApprovalsHistory: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The caller's latest decisions, newest first. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            items: components['schemas']['CertificateRequest'][];
          };
        };
      };
    };
  };
  listAudit: {
    parameters: {
      query?: {
        entityRef?: string;
        actor?: string;
        requestId?: string;
        action?: components['schemas']['AuditAction'][];
        from?: string;
        to?: string;
        /** @description Page size. */
        limit?: components['parameters']['limit'];
        /** @description The `nextCursor` of the page before. */
        cursor?: components['parameters']['cursor'];
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description One page of the audit trail, newest first. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            items: components['schemas']['AuditRecord'][];
            nextCursor?: string;
          };
        };
      };
      400: components['responses']['ErrorResponse'];
      403: components['responses']['ErrorResponse'];
    };
  };
  listCertificates: {
    parameters: {
      query?: {
        entityRef?: components['parameters']['entityRefFilter'];
        owner?: components['parameters']['ownerFilter'];
        location?: components['parameters']['locationFilter'];
        cluster?: components['parameters']['clusterFilter'];
        namespace?: components['parameters']['namespaceFilter'];
        status?: components['parameters']['statusFilter'];
        finding?: components['parameters']['findingFilter'];
        issuer?: components['parameters']['issuerFilter'];
        /** @description Free text matched against names and DNS names. */
        q?: components['parameters']['q'];
        includeGone?: components['parameters']['includeGone'];
        /** @description ISO 8601 date or instant. */
        expiresBefore?: components['parameters']['expiresBefore'];
        sort?: components['parameters']['sort'];
        order?: components['parameters']['order'];
        /** @description Page size. */
        limit?: components['parameters']['limit'];
        /** @description The `nextCursor` of the page before. */
        cursor?: components['parameters']['cursor'];
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description One page of the certificates the caller may read. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CertificateListResponse'];
        };
      };
      400: components['responses']['ErrorResponse'];
      403: components['responses']['ErrorResponse'];
    };
  };
  getCertificate: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: components['parameters']['id'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The certificate's details; for a signed-in user, with the renew and revoke actions open to them. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CertificateDetails'];
        };
      };
      404: components['responses']['ErrorResponse'];
    };
  };
  getEndpointScanStatus: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: components['parameters']['id'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description How the scans of an endpoint's certificate went (address, last seen, last error), for a caller who may read the certificate. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['EndpointScanStatus'];
        };
      };
      403: components['responses']['ErrorResponse'];
      404: components['responses']['ErrorResponse'];
    };
  };
  getCertificateChainPem: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: components['parameters']['id'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The certificate's chain as found, leaf first, as PEM. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/x-pem-file': string;
        };
      };
      404: components['responses']['ErrorResponse'];
    };
  };
  renewCertificate: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: components['parameters']['id'];
      };
      cookie?: never;
    };
    requestBody?: {
      content: {
        'application/json': Record<string, unknown>;
      };
    };
    responses: {
      /** @description A renewal request was made. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RenewOutcome'];
        };
      };
      /** @description cert-manager was asked to reissue. */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RenewOutcome'];
        };
      };
      403: components['responses']['ErrorResponse'];
      404: components['responses']['ErrorResponse'];
      409: components['responses']['ErrorResponse'];
    };
  };
  revokeCertificate: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: components['parameters']['id'];
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['RevokeInput'];
      };
    };
    responses: {
      /** @description The revoked certificate's request. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            request: components['schemas']['CertificateRequest'];
          };
        };
      };
      400: components['responses']['ErrorResponse'];
      403: components['responses']['ErrorResponse'];
      404: components['responses']['ErrorResponse'];
      409: components['responses']['ErrorResponse'];
    };
  };
  getCounts: {
    parameters: {
      query?: {
        entityRef?: components['parameters']['entityRefFilter'];
        owner?: components['parameters']['ownerFilter'];
        location?: components['parameters']['locationFilter'];
        cluster?: components['parameters']['clusterFilter'];
        namespace?: components['parameters']['namespaceFilter'];
        status?: components['parameters']['statusFilter'];
        finding?: components['parameters']['findingFilter'];
        issuer?: components['parameters']['issuerFilter'];
        /** @description Free text matched against names and DNS names. */
        q?: components['parameters']['q'];
        includeGone?: components['parameters']['includeGone'];
        /** @description ISO 8601 date or instant. */
        expiresBefore?: components['parameters']['expiresBefore'];
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Counts over the filtered certificates. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CountsResponse'];
        };
      };
      400: components['responses']['ErrorResponse'];
    };
  };
  getTimeline: {
    parameters: {
      query?: {
        entityRef?: components['parameters']['entityRefFilter'];
        owner?: components['parameters']['ownerFilter'];
        location?: components['parameters']['locationFilter'];
        cluster?: components['parameters']['clusterFilter'];
        namespace?: components['parameters']['namespaceFilter'];
        status?: components['parameters']['statusFilter'];
        finding?: components['parameters']['findingFilter'];
        issuer?: components['parameters']['issuerFilter'];
        /** @description Free text matched against names and DNS names. */
        q?: components['parameters']['q'];
        includeGone?: components['parameters']['includeGone'];
        /** @description ISO 8601 date or instant. */
        expiresBefore?: components['parameters']['expiresBefore'];
        weeks?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Weekly expiry buckets. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            buckets: components['schemas']['TimelineBucket'][];
          };
        };
      };
      400: components['responses']['ErrorResponse'];
    };
  };
  exportCsv: {
    parameters: {
      query?: {
        entityRef?: components['parameters']['entityRefFilter'];
        owner?: components['parameters']['ownerFilter'];
        location?: components['parameters']['locationFilter'];
        cluster?: components['parameters']['clusterFilter'];
        namespace?: components['parameters']['namespaceFilter'];
        status?: components['parameters']['statusFilter'];
        finding?: components['parameters']['findingFilter'];
        issuer?: components['parameters']['issuerFilter'];
        /** @description Free text matched against names and DNS names. */
        q?: components['parameters']['q'];
        includeGone?: components['parameters']['includeGone'];
        /** @description ISO 8601 date or instant. */
        expiresBefore?: components['parameters']['expiresBefore'];
        sort?: components['parameters']['sort'];
        order?: components['parameters']['order'];
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Every filtered certificate as CSV. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'text/csv': string;
        };
      };
      400: components['responses']['ErrorResponse'];
    };
  };
  listClusters: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Every cluster and how its last scan went. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            items: components['schemas']['ClusterSyncStatus'][];
          };
        };
      };
      403: components['responses']['ErrorResponse'];
    };
  };
  getTrust: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The approved roots, root change requests, the bundle's hash, how changes are approved and where the bundle is distributed. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            roots: Record<string, unknown>[];
            changes: Record<string, unknown>[];
            targets: Record<string, unknown>[];
            bundleHash: string;
            approvals: Record<string, unknown>;
          };
        };
      };
    };
  };
  requestTrustChange: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @enum {string} */
          action?: 'add' | 'remove';
          pem?: string;
          fingerprint?: string;
          reason?: string;
        };
      };
    };
    responses: {
      /** @description The stored change request. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': Record<string, unknown>;
        };
      };
      400: components['responses']['ErrorResponse'];
      403: components['responses']['ErrorResponse'];
    };
  };
  decideTrustChange: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: components['parameters']['id'];
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @enum {string} */
          decision?: 'approve' | 'deny';
          reason?: string;
        };
      };
    };
    responses: {
      /** @description The change request after the decision. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': Record<string, unknown>;
        };
      };
      400: components['responses']['ErrorResponse'];
      403: components['responses']['ErrorResponse'];
      404: components['responses']['ErrorResponse'];
      409: components['responses']['ErrorResponse'];
    };
  };
  syncTrust: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: {
      content: {
        'application/json': {
          repair?: boolean;
        };
      };
    };
    responses: {
      /** @description Each distribution target after the check (or repair). */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            targets: Record<string, unknown>[];
          };
        };
      };
      400: components['responses']['ErrorResponse'];
      403: components['responses']['ErrorResponse'];
    };
  };
}
