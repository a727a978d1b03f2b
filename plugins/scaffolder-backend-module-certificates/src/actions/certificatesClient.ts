import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { InputError, ResponseError } from '@backstage/errors';

/** A violation as the certificates backend reports it, per field. */
export interface Violation {
  field: string;
  reason: string;
}

/** The verdict of POST /requests/validate. */
export interface Verdict {
  ok: boolean;
  violations: Violation[];
  policyName?: string;
  autoApprove?: boolean;
  pendingReason?: string;
}

/** The parts of a stored request the action reports. */
export interface CreatedRequest {
  id: string;
  state: string;
  pendingReason?: string;
}

/**
 * The certificates backend over HTTP, called with a token issued on behalf
 * of the template's initiator: the backend sees that user, so the catalog's
 * ownership and the permission policy apply to them, not to the scaffolder.
 */
export class CertificatesClient {
  static create(options: { discovery: DiscoveryService; auth: AuthService }) {
    return new CertificatesClient(options.discovery, options.auth);
  }

  private constructor(
    private readonly discovery: DiscoveryService,
    private readonly auth: AuthService,
  ) {}

  /** The verdict on `body`; violations come back in it, not as an error. */
  async validate(
    body: object,
    onBehalfOf: BackstageCredentials,
  ): Promise<Verdict> {
    const { response, violations } = await this.post(
      '/requests/validate',
      body,
      onBehalfOf,
    );
    if (violations) return { ok: false, violations };
    return jsonOf<Verdict>(response);
  }

  /** Submits `body`; a request the policy refuses is an InputError naming every violation. */
  async create(
    body: object,
    onBehalfOf: BackstageCredentials,
  ): Promise<CreatedRequest> {
    const { response, violations } = await this.post(
      '/requests',
      body,
      onBehalfOf,
    );
    if (violations) {
      throw new InputError(
        `The certificate request was refused: ${violations
          .map(v => `${v.field}: ${v.reason}`)
          .join('; ')}`,
      );
    }
    return jsonOf<CreatedRequest>(response);
  }

  /** The issued chain (PEM) of a request. */
  async chainPem(
    id: string,
    onBehalfOf: BackstageCredentials,
  ): Promise<string> {
    const response = await this.call(
      `/requests/${encodeURIComponent(id)}/chain.pem`,
      onBehalfOf,
    );
    if (!response.ok) throw await failure(response);
    return response.text();
  }

  /** POSTs `body`; a 400 that lists the policy's violations comes back with them. */
  private async post(
    path: string,
    body: object,
    onBehalfOf: BackstageCredentials,
  ): Promise<{ response: Response; violations?: Violation[] }> {
    const response = await this.call(path, onBehalfOf, body);
    if (response.status !== 400) return { response };
    return { response, violations: await violationsOf(response.clone()) };
  }

  private async call(
    path: string,
    onBehalfOf: BackstageCredentials,
    body?: object,
  ) {
    const { token } = await this.auth.getPluginRequestToken({
      onBehalfOf,
      targetPluginId: 'certificates',
    });
    const baseUrl = await this.discovery.getBaseUrl('certificates');
    return fetch(`${baseUrl}${path}`, {
      method: body ? 'POST' : 'GET',
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
  }
}

async function violationsOf(
  response: Response,
): Promise<Violation[] | undefined> {
  try {
    const body = (await response.json()) as { violations?: Violation[] };
    return Array.isArray(body.violations) ? body.violations : undefined;
  } catch {
    return undefined;
  }
}

/** The JSON body of a successful answer; any other status is the backend's error. */
async function jsonOf<T>(response: Response): Promise<T> {
  if (!response.ok) throw await failure(response);
  return (await response.json()) as T;
}

/** The backend's own error (name and message), or the bare status if it sent none. */
async function failure(response: Response): Promise<Error> {
  const error = await ResponseError.fromResponse(response);
  return error.cause?.message ? error.cause : error;
}
