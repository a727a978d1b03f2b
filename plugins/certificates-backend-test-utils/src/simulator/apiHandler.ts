import { IncomingMessage, ServerResponse } from 'node:http';
import { AccessRequest, SimulatorVerb, TokenRegistry } from './access';
import { AUTHORIZATION_GROUP, Discovery } from './discovery';
import { parseFieldSelector, parseLabelSelector } from './selectors';
import {
  parseResourcePath,
  readJsonBody,
  ResourcePath,
} from './requestParsing';
import { ResourceOperations, WriteOptions } from './resourceOperations';
import { StatusError, statusErrors } from './status';
import { KubernetesObject, ObjectStore } from './store';
import { serveWatch } from './watch';

/** One request as the simulator saw it, for tests that assert on traffic. */
export interface SimulatorRequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  user?: string;
}

export interface ApiHandlerContext {
  store: ObjectStore;
  operations: ResourceOperations;
  tokens: TokenRegistry;
  discovery: Discovery;
  isInstalled(group: string): boolean;
  bookmarkIntervalMs: number;
  watchTimeoutSeconds: number;
  historyTtlMs: number;
  serverAddress(): string;
  onWatch(close: () => void, res: ServerResponse): void;
  record(entry: SimulatorRequestRecord): void;
}

type Result = { code: number; body: unknown } | 'streaming';

const ok = (body: unknown, code = 200): Result => ({ code, body });

function conditionSet(obj: KubernetesObject, type: string): string | undefined {
  const conditions = ((obj.status as any)?.conditions ?? []) as Array<{
    type: string;
    status: string;
  }>;
  return conditions.find(c => c.type === type)?.status;
}

/** Dispatches one HTTP request to discovery, reads, writes or a watch. */
export class ApiHandler {
  constructor(private readonly ctx: ApiHandlerContext) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const query = Object.fromEntries(url.searchParams.entries());
    const entry: SimulatorRequestRecord = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query,
      status: 0,
    };
    let result: Result;
    try {
      result = await this.dispatch(req, res, url, query, entry);
    } catch (error) {
      if (!(error instanceof StatusError)) throw error;
      result = { code: error.status.code, body: error.status };
    }
    if (result === 'streaming') {
      entry.status = 200;
    } else {
      entry.status = result.code;
      const text =
        typeof result.body === 'string'
          ? result.body
          : JSON.stringify(result.body);
      res.writeHead(result.code, {
        'Content-Type':
          typeof result.body === 'string' ? 'text/plain' : 'application/json',
        'Content-Length': Buffer.byteLength(text),
      });
      res.end(text);
    }
    this.ctx.record(entry);
  }

  private async dispatch(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    query: Record<string, string>,
    entry: SimulatorRequestRecord,
  ): Promise<Result> {
    const segments = url.pathname.split('/').filter(s => s.length > 0);
    if (['/healthz', '/livez', '/readyz'].includes(url.pathname))
      return ok('ok');
    const caller = this.ctx.tokens.authenticate(req.headers.authorization);
    entry.user = caller.user;
    this.ctx.store.compactOlderThan(this.ctx.historyTtlMs, Date.now());
    const method = req.method ?? 'GET';
    if (url.pathname === '/version') {
      return ok({
        major: '1',
        minor: '31',
        gitVersion: 'v1.31.0-simulated',
        platform: 'linux/amd64',
      });
    }
    if (method === 'GET' && segments[0] === 'api' && segments.length <= 2) {
      if (segments.length === 1)
        return ok(this.ctx.discovery.coreVersions(this.ctx.serverAddress()));
      const doc = this.ctx.discovery.resourceList('', segments[1]);
      if (!doc) throw statusErrors.noRoute();
      return ok(doc);
    }
    if (method === 'GET' && segments[0] === 'apis' && segments.length <= 3) {
      const { discovery } = this.ctx;
      let doc: unknown;
      if (segments.length === 1) doc = discovery.groupList();
      else if (segments.length === 2)
        doc = discovery.groupDocument(segments[1]);
      else doc = discovery.resourceList(segments[1], segments[2]);
      if (!doc) throw statusErrors.noRoute();
      return ok(doc);
    }
    if (
      segments[1] === AUTHORIZATION_GROUP &&
      segments[3] === 'selfsubjectaccessreviews' &&
      method === 'POST'
    ) {
      const body = (await readJsonBody(req)) as any;
      const attrs = body?.spec?.resourceAttributes ?? {};
      const allowed = TokenRegistry.allows(caller, {
        verb: attrs.verb,
        group: attrs.group ?? '',
        resource: attrs.subresource
          ? `${attrs.resource}/${attrs.subresource}`
          : attrs.resource,
        namespace: attrs.namespace || undefined,
        name: attrs.name,
      });
      return ok(
        {
          ...body,
          status: {
            allowed,
            ...(allowed ? {} : { reason: 'no RBAC rule matched' }),
          },
        },
        201,
      );
    }
    if (segments[0] !== 'api' && segments[0] !== 'apis')
      throw statusErrors.noRoute();

    const path = parseResourcePath(segments, g => this.ctx.isInstalled(g));
    const authorize = (
      verb: SimulatorVerb,
      extra: Partial<AccessRequest> = {},
    ) =>
      TokenRegistry.authorize(caller, {
        verb,
        group: path.resource.group,
        resource: path.subresource
          ? `${path.resource.plural}/${path.subresource}`
          : path.resource.plural,
        namespace: path.resource.namespaced ? path.namespace : undefined,
        name: path.name,
        ...extra,
      });
    const dryRun = query.dryRun === 'All';
    const { operations } = this.ctx;
    const { resource, namespace, name } = path;

    if (method === 'GET' && name === undefined) {
      const watching =
        path.watchPrefix || query.watch === 'true' || query.watch === '1';
      authorize(watching ? 'watch' : 'list');
      if (!watching) {
        return ok(
          operations.list(resource, {
            namespace,
            labelSelector: query.labelSelector,
            fieldSelector: query.fieldSelector,
            limit: query.limit ? Number(query.limit) : undefined,
            continueToken: query.continue,
            resourceVersion: query.resourceVersion,
            resourceVersionMatch: query.resourceVersionMatch,
          }),
        );
      }
      return this.watch(path, query, res);
    }
    if (name === undefined) {
      if (method !== 'POST' || path.subresource)
        throw statusErrors.methodNotAllowed();
      authorize('create');
      return ok(
        operations.create(resource, namespace, await readJsonBody(req), dryRun),
        201,
      );
    }
    const object = { resource, namespace, name };
    // PUT and PATCH write alike: to the object or its status, checked.
    const write: WriteOptions = {
      target: path.subresource === 'status' ? 'status' : 'main',
      dryRun,
      check: (before, after) => this.checkApproval(path, before, after, caller),
    };
    switch (method) {
      case 'GET':
        authorize('get');
        return ok(operations.get(object));
      case 'PUT':
        authorize('update');
        return ok(operations.update(object, await readJsonBody(req), write));
      case 'PATCH': {
        authorize('patch');
        const contentType = (req.headers['content-type'] ?? '')
          .split(';')[0]
          .trim();
        return ok(
          operations.patch(object, contentType, await readJsonBody(req), write),
        );
      }
      case 'DELETE': {
        if (path.subresource) throw statusErrors.methodNotAllowed();
        authorize('delete');
        const body = (await readJsonBody(req)) as any;
        return ok(operations.delete(object, body?.preconditions, dryRun));
      }
      default:
        throw statusErrors.methodNotAllowed();
    }
  }

  private watch(
    path: ResourcePath,
    query: Record<string, string>,
    res: ServerResponse,
  ): Result {
    const matchesLabels = parseLabelSelector(query.labelSelector);
    const matchesFields = parseFieldSelector(
      query.fieldSelector,
      path.resource.fieldLabels,
    );
    const timeout = Number(query.timeoutSeconds);
    const close = serveWatch(
      this.ctx.store,
      {
        resource: path.resource,
        namespace: path.namespace,
        matches: obj => matchesLabels(obj) && matchesFields(obj),
        resourceVersion: query.resourceVersion ?? '',
        allowBookmarks:
          query.allowWatchBookmarks === 'true' ||
          query.allowWatchBookmarks === '1',
        timeoutSeconds: timeout > 0 ? timeout : this.ctx.watchTimeoutSeconds,
        bookmarkIntervalMs: this.ctx.bookmarkIntervalMs,
      },
      res,
    );
    this.ctx.onWatch(close, res);
    return 'streaming';
  }

  /**
   * cert-manager's webhook: setting Approved/Denied on a CertificateRequest
   * needs `approve` on `signers`, and a decision once set cannot change.
   */
  private checkApproval(
    path: ResourcePath,
    before: KubernetesObject,
    after: KubernetesObject,
    caller: ReturnType<TokenRegistry['authenticate']>,
  ) {
    if (path.resource.kind !== 'CertificateRequest') return;
    const changed = ['Approved', 'Denied'].filter(
      t => conditionSet(before, t) !== conditionSet(after, t),
    );
    if (!changed.length) return;
    const deny = (message: string) =>
      new StatusError(
        403,
        'Forbidden',
        `admission webhook "webhook.cert-manager.io" denied the request: ${message}`,
      );
    for (const type of ['Approved', 'Denied']) {
      if (conditionSet(before, type) !== undefined && changed.includes(type)) {
        throw deny(
          `status.conditions: Forbidden: '${type}' condition may not be modified once set`,
        );
      }
    }
    if (
      conditionSet(after, 'Approved') === 'True' &&
      conditionSet(after, 'Denied') === 'True'
    ) {
      throw deny(
        "status.conditions: Forbidden: both 'Denied' and 'Approved' conditions cannot coexist",
      );
    }
    const issuerRef = ((after.spec as any)?.issuerRef ?? {}) as {
      name?: string;
      kind?: string;
    };
    const signer =
      issuerRef.kind === 'ClusterIssuer'
        ? `clusterissuers.cert-manager.io/${issuerRef.name}`
        : `issuers.cert-manager.io/${path.namespace}.${issuerRef.name}`;
    if (
      !TokenRegistry.allows(caller, {
        verb: 'approve',
        group: 'cert-manager.io',
        resource: 'signers',
        namespace: path.namespace,
        name: signer,
      })
    ) {
      throw deny(
        `user "${
          caller.user
        }" does not have permissions to set approved/denied conditions for issuer ${JSON.stringify(
          issuerRef,
        )}`,
      );
    }
  }
}
