import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  CertificateListFilter,
  CertificateListResponse,
  CertificateRequest,
  CertificateRequestInput,
  ClusterSyncStatus,
  CountsResponse,
  EndpointScanStatus,
  IssuerInfo,
  TimelineBucket,
  TrustChange,
  TrustOverview,
  TrustTargetStatus,
  ValidationResult,
  Violation,
} from '@kubecerts/backstage-plugin-certificates-common';
import {
  ApprovalsListResponse,
  ApprovalsQuery,
  AuditListResponse,
  AuditQuery,
  BulkDecisionInput,
  BulkDecisionResponse,
  CertificateDetailsWithActions,
  CertificateListQuery,
  CertificatesApi,
  DecisionInput,
  EntityPolicy,
  RequestListQuery,
  RequestListResponse,
  RequestWithAudit,
  RenewOutcome,
  RevokeInput,
  TrustChangeInput,
} from './CertificatesApi';
import { PolicyViolationError } from './PolicyViolationError';
import { SpecCall, SpecMethod, SpecPath, specInit, specUrl } from './specFetch';

export { toQueryString } from './specFetch';

/** The filter's query parameters, named as the spec names them. */
function filterQuery(
  filter: CertificateListFilter = {},
): SpecCall<'/counts', 'get'>['query'] {
  return {
    entityRef: filter.entityRef,
    owner: filter.owner,
    location: filter.location,
    cluster: filter.cluster,
    namespace: filter.namespace,
    status: filter.status,
    finding: filter.finding,
    issuer: filter.issuer,
    q: filter.q,
    includeGone: filter.includeGone,
    expiresBefore: filter.expiresBefore,
  };
}

/** {@link CertificatesApi} over HTTP, with the caller's credentials. */
export class CertificatesClient implements CertificatesApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  // Inventory

  async listCertificates(
    query: CertificateListQuery = {},
  ): Promise<CertificateListResponse> {
    const { sort, order, limit, cursor, ...filter } = query;
    return this.call('get', '/certificates', {
      query: { ...filterQuery(filter), sort, order, limit, cursor },
    });
  }

  async getCertificate(id: string): Promise<CertificateDetailsWithActions> {
    return this.call('get', '/certificates/{id}', { path: { id } });
  }

  async getEndpointScanStatus(id: string): Promise<EndpointScanStatus> {
    return this.call('get', '/certificates/{id}/endpoint', { path: { id } });
  }

  async getCertificateChainPem(id: string): Promise<string> {
    return this.text('/certificates/{id}/chain.pem', { path: { id } });
  }

  async getCounts(filter?: CertificateListFilter): Promise<CountsResponse> {
    return this.call('get', '/counts', { query: filterQuery(filter) });
  }

  async getTimeline(
    filter: CertificateListFilter & { weeks?: number } = {},
  ): Promise<TimelineBucket[]> {
    const { weeks, ...rest } = filter;
    const body: { buckets: TimelineBucket[] } = await this.call(
      'get',
      '/timeline',
      { query: { weeks, ...filterQuery(rest) } },
    );
    return body.buckets;
  }

  async getExportCsvUrl(filter?: CertificateListFilter): Promise<string> {
    const baseUrl = await this.discoveryApi.getBaseUrl('certificates');
    return `${baseUrl}${specUrl<'/export.csv', 'get'>('/export.csv', {
      query: filterQuery(filter),
    })}`;
  }

  async exportCsv(filter?: CertificateListFilter): Promise<Blob> {
    const url = await this.getExportCsvUrl(filter);
    const response = await this.fetchApi.fetch(url);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.blob();
  }

  async listClusters(): Promise<ClusterSyncStatus[]> {
    return this.items('/clusters', {});
  }

  async listIssuers(): Promise<IssuerInfo[]> {
    return this.items('/issuers', {});
  }

  async renewCertificate(id: string): Promise<RenewOutcome> {
    return this.call('post', '/certificates/{id}/renew', {
      path: { id },
      body: {},
    });
  }

  async revokeCertificate(
    id: string,
    input: RevokeInput,
  ): Promise<{ request: CertificateRequest }> {
    return this.call('post', '/certificates/{id}/revoke', {
      path: { id },
      body: input,
    });
  }

  // Requests

  async getPolicy(entityRef: string): Promise<EntityPolicy> {
    return this.call('get', '/policy', { query: { entityRef } });
  }

  async validateRequest(
    input: CertificateRequestInput,
  ): Promise<ValidationResult> {
    try {
      return await this.call('post', '/requests/validate', { body: input });
    } catch (e) {
      if (e instanceof PolicyViolationError) {
        return { ok: false, violations: e.violations, ...e.details };
      }
      throw e;
    }
  }

  async createRequest(
    input: CertificateRequestInput,
  ): Promise<CertificateRequest> {
    return this.call('post', '/requests', { body: input });
  }

  async listRequests(
    query: RequestListQuery = {},
  ): Promise<RequestListResponse> {
    return this.call('get', '/requests', { query: { ...query } });
  }

  async getRequest(id: string): Promise<RequestWithAudit> {
    return this.call('get', '/requests/{id}', { path: { id } });
  }

  async getRequestChainPem(id: string): Promise<string> {
    return this.text('/requests/{id}/chain.pem', { path: { id } });
  }

  async cancelRequest(id: string): Promise<CertificateRequest> {
    return this.call('post', '/requests/{id}/cancel', {
      path: { id },
      body: {},
    });
  }

  // Approvals

  async decide(id: string, input: DecisionInput): Promise<CertificateRequest> {
    return this.call('post', '/requests/{id}/decision', {
      path: { id },
      body: input,
    });
  }

  async bulkDecide(input: BulkDecisionInput): Promise<BulkDecisionResponse> {
    return this.call('post', '/approvals/bulk', { body: input });
  }

  async listApprovals(
    query: ApprovalsQuery = {},
  ): Promise<ApprovalsListResponse> {
    const body: Omit<ApprovalsListResponse, 'totalCount'> & {
      totalCount?: number;
    } = await this.call('get', '/approvals', { query: { ...query } });
    return {
      items: body.items,
      ...(body.nextCursor ? { nextCursor: body.nextCursor } : {}),
      totalCount: body.totalCount ?? body.items.length,
    };
  }

  async getApprovalsCount(): Promise<number> {
    const body: { pending: number } = await this.call(
      'get',
      '/approvals/count',
      {},
    );
    return body.pending;
  }

  async listApprovalsHistory(): Promise<CertificateRequest[]> {
    return this.items('/approvals/history', {});
  }

  // Audit

  async listAudit(query: AuditQuery = {}): Promise<AuditListResponse> {
    return this.call('get', '/audit', { query: { ...query } });
  }

  // Root of trust

  async getTrust(): Promise<TrustOverview> {
    return this.call('get', '/trust', {});
  }

  async requestTrustChange(input: TrustChangeInput): Promise<TrustChange> {
    return this.call('post', '/trust/changes', { body: input });
  }

  async decideTrustChange(
    id: string,
    input: { decision: 'approve' | 'deny'; reason?: string },
  ): Promise<TrustChange> {
    return this.call('post', '/trust/changes/{id}/decision', {
      path: { id },
      body: input,
    });
  }

  async syncTrust(
    input: { repair?: boolean } = {},
  ): Promise<{ targets: TrustTargetStatus[] }> {
    return this.call('post', '/trust/sync', { body: input });
  }

  // Plumbing

  private async request(path: string, init?: RequestInit): Promise<Response> {
    const baseUrl = await this.discoveryApi.getBaseUrl('certificates');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, init);
    if (!response.ok) {
      throw await toError(response);
    }
    return response;
  }

  /** One call of the API as the OpenAPI document declares it; the JSON answer. */
  private async call<P extends SpecPath, M extends SpecMethod, T>(
    method: M,
    path: P,
    call: SpecCall<P, M>,
  ): Promise<T> {
    const response = await this.request(
      specUrl<P, M>(path, call),
      specInit<P, M>(method, call),
    );
    if (response.status === 204) {
      return undefined as T;
    }
    return (await response.json()) as T;
  }

  /** The entries of a GET that answers `{ items }` and nothing else worth keeping. */
  private async items<P extends SpecPath, T>(
    path: P,
    call: SpecCall<P, 'get'>,
  ): Promise<T[]> {
    const body: { items: T[] } = await this.call('get', path, call);
    return body.items;
  }

  /** A text answer (PEM) of a GET. */
  private async text<P extends SpecPath>(
    path: P,
    call: SpecCall<P, 'get'>,
  ): Promise<string> {
    const response = await this.request(specUrl<P, 'get'>(path, call));
    return response.text();
  }
}

/** A 400 listing violations becomes a PolicyViolationError; anything else a ResponseError. */
async function toError(response: Response): Promise<Error> {
  if (response.status === 400) {
    let body: unknown;
    try {
      body = await response.clone().json();
    } catch {
      body = undefined;
    }
    const violations = (body as { violations?: unknown } | undefined)
      ?.violations;
    if (Array.isArray(violations)) {
      const {
        error,
        violations: _v,
        ...details
      } = body as {
        error?: { message?: string };
        violations: Violation[];
        [key: string]: unknown;
      };
      return new PolicyViolationError(
        error?.message ?? 'The request breaks the certificate policy',
        violations,
        details,
      );
    }
  }
  return ResponseError.fromResponse(response);
}
