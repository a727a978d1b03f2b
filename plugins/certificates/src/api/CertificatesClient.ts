import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  CertificateListFilter,
  CertificateListResponse,
  CertificateRequest,
  CertificateRequestInput,
  ClusterSyncStatus,
  CountsResponse,
  IssuerInfo,
  TimelineBucket,
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
} from './CertificatesApi';
import { PolicyViolationError } from './PolicyViolationError';

type QueryValue = string | number | boolean | undefined | null;
type Query = Record<string, QueryValue | readonly QueryValue[]>;

/** Builds a query string; arrays become repeated parameters, empty values are left out. */
export function toQueryString(query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      if (v === undefined || v === null || v === '' || v === false) continue;
      params.append(key, String(v));
    }
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

function filterQuery(filter: CertificateListFilter = {}): Query {
  return {
    entityRef: filter.entityRef,
    owner: filter.owner,
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
    return this.getJson(
      `/certificates${toQueryString({
        ...filterQuery(filter),
        sort,
        order,
        limit,
        cursor,
      })}`,
    );
  }

  async getCertificate(id: string): Promise<CertificateDetailsWithActions> {
    return this.getJson(`/certificates/${encodeURIComponent(id)}`);
  }

  async getCertificateChainPem(id: string): Promise<string> {
    const response = await this.request(
      `/certificates/${encodeURIComponent(id)}/chain.pem`,
    );
    return response.text();
  }

  async getCounts(filter?: CertificateListFilter): Promise<CountsResponse> {
    return this.getJson(`/counts${toQueryString(filterQuery(filter))}`);
  }

  async getTimeline(
    filter: CertificateListFilter & { weeks?: number } = {},
  ): Promise<TimelineBucket[]> {
    const { weeks, ...rest } = filter;
    const body = await this.getJson<{ buckets: TimelineBucket[] }>(
      `/timeline${toQueryString({ weeks, ...filterQuery(rest) })}`,
    );
    return body.buckets;
  }

  async getExportCsvUrl(filter?: CertificateListFilter): Promise<string> {
    const baseUrl = await this.discoveryApi.getBaseUrl('certificates');
    return `${baseUrl}/export.csv${toQueryString(filterQuery(filter))}`;
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
    const body = await this.getJson<{ items: ClusterSyncStatus[] }>(
      '/clusters',
    );
    return body.items;
  }

  async listIssuers(): Promise<IssuerInfo[]> {
    const body = await this.getJson<{ items: IssuerInfo[] }>('/issuers');
    return body.items;
  }

  async renewCertificate(id: string): Promise<RenewOutcome> {
    return this.sendJson(
      'POST',
      `/certificates/${encodeURIComponent(id)}/renew`,
      {},
    );
  }

  async revokeCertificate(
    id: string,
    input: RevokeInput,
  ): Promise<{ request: CertificateRequest }> {
    return this.sendJson(
      'POST',
      `/certificates/${encodeURIComponent(id)}/revoke`,
      input,
    );
  }

  // Requests

  async getPolicy(entityRef: string): Promise<EntityPolicy> {
    return this.getJson(`/policy${toQueryString({ entityRef })}`);
  }

  async validateRequest(
    input: CertificateRequestInput,
  ): Promise<ValidationResult> {
    try {
      return await this.sendJson('POST', '/requests/validate', input);
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
    return this.sendJson('POST', '/requests', input);
  }

  async listRequests(
    query: RequestListQuery = {},
  ): Promise<RequestListResponse> {
    return this.getJson(`/requests${toQueryString({ ...query })}`);
  }

  async getRequest(id: string): Promise<RequestWithAudit> {
    return this.getJson(`/requests/${encodeURIComponent(id)}`);
  }

  async getRequestChainPem(id: string): Promise<string> {
    const response = await this.request(
      `/requests/${encodeURIComponent(id)}/chain.pem`,
    );
    return response.text();
  }

  async cancelRequest(id: string): Promise<CertificateRequest> {
    return this.sendJson(
      'POST',
      `/requests/${encodeURIComponent(id)}/cancel`,
      {},
    );
  }

  // Approvals

  async decide(id: string, input: DecisionInput): Promise<CertificateRequest> {
    return this.sendJson(
      'POST',
      `/requests/${encodeURIComponent(id)}/decision`,
      input,
    );
  }

  async bulkDecide(input: BulkDecisionInput): Promise<BulkDecisionResponse> {
    return this.sendJson('POST', '/approvals/bulk', input);
  }

  async listApprovals(
    query: ApprovalsQuery = {},
  ): Promise<ApprovalsListResponse> {
    const body = await this.getJson<
      Omit<ApprovalsListResponse, 'totalCount'> & { totalCount?: number }
    >(`/approvals${toQueryString({ ...query })}`);
    return {
      items: body.items,
      ...(body.nextCursor ? { nextCursor: body.nextCursor } : {}),
      totalCount: body.totalCount ?? body.items.length,
    };
  }

  async getApprovalsCount(): Promise<number> {
    const body = await this.getJson<{ pending: number }>('/approvals/count');
    return body.pending;
  }

  async listApprovalsHistory(): Promise<CertificateRequest[]> {
    const body = await this.getJson<{ items: CertificateRequest[] }>(
      '/approvals/history',
    );
    return body.items;
  }

  // Audit

  async listAudit(query: AuditQuery = {}): Promise<AuditListResponse> {
    return this.getJson(`/audit${toQueryString({ ...query })}`);
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

  private async getJson<T>(path: string): Promise<T> {
    const response = await this.request(path);
    return (await response.json()) as T;
  }

  private async sendJson<T>(
    method: 'POST' | 'PUT' | 'DELETE',
    path: string,
    body: unknown,
  ): Promise<T> {
    const response = await this.request(path, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status === 204) {
      return undefined as T;
    }
    return (await response.json()) as T;
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
