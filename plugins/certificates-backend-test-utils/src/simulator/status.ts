/** A Kubernetes `Status` object as the API server renders failures. */
export interface KubernetesStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, unknown>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  code: number;
  details?: { name?: string; group?: string; kind?: string; uid?: string };
}

/** An error carrying the Status the simulator answers with. */
export class StatusError extends Error {
  readonly status: KubernetesStatus;

  constructor(
    code: number,
    reason: string,
    message: string,
    details?: KubernetesStatus['details'],
  ) {
    super(message);
    this.name = 'StatusError';
    this.status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason,
      code,
      ...(details ? { details } : {}),
    };
  }
}

type Ref = { group: string; plural: string; name?: string };

const qualified = (ref: Ref) =>
  ref.group ? `${ref.plural}.${ref.group}` : ref.plural;

/** The Status details that name the object a request was about. */
const detailsOf = (ref: Ref) => ({
  name: ref.name,
  group: ref.group,
  kind: ref.plural,
});

/** An error about the object `ref` names: "<resource> "<name>" <what>". */
const aboutObject =
  (code: number, reason: string, what: string) => (ref: Ref) =>
    new StatusError(
      code,
      reason,
      `${qualified(ref)} "${ref.name}" ${what}`,
      detailsOf(ref),
    );

export const statusErrors = {
  unauthorized: () => new StatusError(401, 'Unauthorized', 'Unauthorized'),
  forbidden: (message: string, ref?: Ref) =>
    new StatusError(403, 'Forbidden', message, ref && detailsOf(ref)),
  notFound: aboutObject(404, 'NotFound', 'not found'),
  noRoute: () =>
    new StatusError(
      404,
      'NotFound',
      'the server could not find the requested resource',
      {},
    ),
  alreadyExists: aboutObject(409, 'AlreadyExists', 'already exists'),
  conflict: (ref: Ref) =>
    new StatusError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualified(ref)} "${
        ref.name
      }": the object has been modified; please apply your changes to the latest version and try again`,
      detailsOf(ref),
    ),
  badRequest: (message: string) => new StatusError(400, 'BadRequest', message),
  invalid: (kind: string, name: string | undefined, message: string) =>
    new StatusError(
      422,
      'Invalid',
      `${kind} "${name ?? ''}" is invalid: ${message}`,
      {
        name,
        kind,
      },
    ),
  methodNotAllowed: () =>
    new StatusError(
      405,
      'MethodNotAllowed',
      'the server does not allow this method on the requested resource',
    ),
  unsupportedMediaType: (contentType: string) =>
    new StatusError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml (got ${contentType})`,
    ),
  expired: (message: string) => new StatusError(410, 'Expired', message),
  unavailable: () =>
    new StatusError(
      503,
      'ServiceUnavailable',
      'the server is currently unable to handle the request',
    ),
  tooLargeResourceVersion: (rv: number, current: number) =>
    new StatusError(
      504,
      'Timeout',
      `Too large resource version: ${rv}, current: ${current}`,
    ),
};

export function successStatus(
  details: KubernetesStatus['details'],
): KubernetesStatus {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    code: 200,
    details,
  };
}
