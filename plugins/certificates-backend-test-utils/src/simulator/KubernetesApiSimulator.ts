import { createServer, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import {
  AccessRule,
  FULL_ACCESS,
  TokenAuthenticator,
  TokenRegistry,
} from './access';
import { ApiHandler, SimulatorRequestRecord } from './apiHandler';
import { Discovery } from './discovery';
import { objectKey, prepareCreate, prepareUpdate } from './objects';
import { ResourceOperations } from './resourceOperations';
import {
  findResourceByKind,
  OPTIONAL_API_GROUPS,
  OptionalApiGroup,
  resourceKeyOf,
  SimulatedResource,
} from './resources';
import { statusErrors } from './status';
import { KubernetesObject, KubernetesObjectInput, ObjectStore } from './store';

export interface KubernetesApiSimulatorOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Bearer token with full access, used by `kubeConfig()` without a token. */
  adminToken?: string;
  /** Optional CRD groups installed; default both cert-manager.io and gateway.networking.k8s.io. */
  installedGroups?: OptionalApiGroup[];
  /** How often watches that allow bookmarks get one; default 60 s (real servers: about a minute). */
  bookmarkIntervalMs?: number;
  /** Watch duration when the client sends no timeoutSeconds; default 1800 s. */
  watchTimeoutSeconds?: number;
  /**
   * History older than this is compacted (continue tokens and watch
   * resourceVersions from before it answer 410); default 5 minutes, like etcd.
   */
  historyTtlMs?: number;
  /** Cluster/context name in generated kubeconfigs; default 'simulated'. */
  clusterName?: string;
}

/** How the server misbehaves for fault tests. */
export type SimulatorDownMode = 'refuse' | 'unavailable' | 'hang';

/**
 * An in-process HTTP server speaking the parts of the Kubernetes API the
 * certificates plugin uses, for tests and the simulated demo cluster.
 */
export class KubernetesApiSimulator {
  private readonly store = new ObjectStore();
  private readonly operations = new ResourceOperations(this.store);
  private readonly tokens = new TokenRegistry();
  private readonly installed: Set<string>;
  private readonly sockets = new Set<Socket>();
  private readonly watches = new Map<ServerResponse, () => void>();
  private readonly pending = new Set<ServerResponse>();
  private readonly log: SimulatorRequestRecord[] = [];
  private readonly handler: ApiHandler;
  private server: Server | undefined;
  private port = 0;
  private down: SimulatorDownMode | undefined;
  private continueExpiries = 0;
  readonly adminToken: string;
  readonly clusterName: string;

  private constructor(options: KubernetesApiSimulatorOptions) {
    this.adminToken = options.adminToken ?? 'simulator-admin-token';
    this.clusterName = options.clusterName ?? 'simulated';
    this.installed = new Set(options.installedGroups ?? OPTIONAL_API_GROUPS);
    this.tokens.set(this.adminToken, FULL_ACCESS, 'system:admin');
    this.handler = new ApiHandler({
      store: this.store,
      operations: this.operations,
      tokens: this.tokens,
      discovery: new Discovery(g => this.isGroupInstalled(g)),
      isInstalled: g => this.isGroupInstalled(g),
      bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60_000,
      watchTimeoutSeconds: options.watchTimeoutSeconds ?? 1800,
      historyTtlMs: options.historyTtlMs ?? 5 * 60_000,
      serverAddress: () => `127.0.0.1:${this.port}`,
      onWatch: (close, res) => {
        this.watches.set(res, close);
        res.on('close', () => this.watches.delete(res));
      },
      record: entry => this.log.push(entry),
    });
    this.apply({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'default' },
    });
  }

  static async start(
    options: KubernetesApiSimulatorOptions = {},
  ): Promise<KubernetesApiSimulator> {
    const simulator = new KubernetesApiSimulator(options);
    await simulator.listen(options.port ?? 0);
    return simulator;
  }

  /** Base URL, e.g. http://127.0.0.1:40123 */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The latest resourceVersion handed out. */
  get resourceVersion(): string {
    return String(this.store.currentRevision);
  }

  /** Number of watch connections currently open. */
  get openWatchCount(): number {
    return this.watches.size;
  }

  /** A kubeconfig for this server (plain http, so skipTLSVerify is set). */
  kubeConfig(token: string = this.adminToken): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [
        { name: this.clusterName, server: this.url, skipTLSVerify: true },
      ],
      users: [{ name: `${this.clusterName}-user`, token }],
      contexts: [
        {
          name: this.clusterName,
          cluster: this.clusterName,
          user: `${this.clusterName}-user`,
        },
      ],
      currentContext: this.clusterName,
    });
    return kc;
  }

  async stop(): Promise<void> {
    await this.close();
  }

  /** Stops and listens again on the same port; stored objects survive, open watches are dropped. */
  async restart(): Promise<void> {
    await this.close();
    await this.listen(this.port);
  }

  /**
   * Makes the server fail: 'refuse' (or true) closes the port so connections
   * are refused, 'unavailable' answers 503, 'hang' never answers. false heals.
   */
  async setDown(mode: boolean | SimulatorDownMode): Promise<void> {
    const next = mode === true ? 'refuse' : mode || undefined;
    const wasRefusing = this.down === 'refuse';
    this.down = next;
    this.dropWatches();
    if (next === 'refuse' && !wasRefusing) await this.close();
    if (next !== 'refuse' && wasRefusing) await this.listen(this.port);
    if (!next) {
      for (const res of this.pending) res.destroy();
      this.pending.clear();
    }
  }

  addToken(
    token: string,
    rules: AccessRule[],
    options: { user?: string } = {},
  ): void {
    this.tokens.set(token, rules, options.user);
  }

  /** Accepts tokens a callback recognises (a webhook token authenticator). */
  addTokenAuthenticator(authenticator: TokenAuthenticator): void {
    this.tokens.addAuthenticator(authenticator);
  }

  removeToken(token: string): void {
    this.tokens.delete(token);
  }

  isGroupInstalled(group: string): boolean {
    return (
      group === '' || group === 'networking.k8s.io' || this.installed.has(group)
    );
  }

  /** Installs or removes an optional CRD group; stored objects of a removed group are kept but not served. */
  setGroupInstalled(group: OptionalApiGroup, installed: boolean): void {
    if (installed) this.installed.add(group);
    else this.installed.delete(group);
  }

  /**
   * Creates or replaces an object, bypassing authorization and admission.
   * Server-owned metadata is assigned; a missing namespace is created.
   */
  apply(input: KubernetesObjectInput): KubernetesObject {
    const obj = input as KubernetesObject;
    const resource = this.resourceFor(obj.apiVersion, obj.kind);
    const namespace = resource.namespaced
      ? obj.metadata.namespace ?? 'default'
      : undefined;
    if (namespace && !this.get('v1', 'Namespace', undefined, namespace)) {
      this.apply({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: namespace },
      });
    }
    const key = objectKey(resource, namespace, obj.metadata.name);
    const existing = this.store.get(resourceKeyOf(resource), key);
    let stored: KubernetesObject;
    if (existing) {
      const body = structuredClone(obj);
      delete body.metadata.resourceVersion;
      stored = prepareUpdate(resource, existing, body, 'main');
      if (resource.statusSubresource) {
        if (obj.status === undefined) delete stored.status;
        else stored.status = structuredClone(obj.status);
      }
    } else {
      stored = prepareCreate(resource, obj, namespace);
      if (obj.status !== undefined) stored.status = structuredClone(obj.status);
    }
    return this.store.write(resourceKeyOf(resource), key, stored)!.object;
  }

  /** Deletes an object; returns whether it existed. */
  remove(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name: string,
  ): boolean {
    const resource = this.resourceFor(apiVersion, kind);
    return this.operations.remove({
      resource,
      namespace: resource.namespaced ? namespace : undefined,
      name,
    });
  }

  get<T extends KubernetesObject = KubernetesObject>(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name: string,
  ): T | undefined {
    const resource = this.resourceFor(apiVersion, kind);
    return this.store.get(
      resourceKeyOf(resource),
      objectKey(resource, namespace, name),
    ) as T | undefined;
  }

  /** Objects of a kind, in one namespace or all; sorted by namespace and name. */
  list<T extends KubernetesObject = KubernetesObject>(
    apiVersion: string,
    kind: string,
    namespace?: string,
  ): T[] {
    const resource = this.resourceFor(apiVersion, kind);
    return this.store
      .snapshot(
        resourceKeyOf(resource),
        this.store.currentRevision,
        namespace && resource.namespaced ? `${namespace}/` : '',
      )
      .map(e => structuredClone(e.object) as T);
  }

  /** Forgets all history: every resourceVersion and continue token handed out so far answers 410. */
  compact(): void {
    this.store.compact();
  }

  /**
   * The next `count` list requests that carry a continue token find the
   * history compacted just before they arrive, and answer 410 Expired: etcd
   * compacting between two pages of a paged list.
   */
  expireContinueTokens(count = 1): void {
    this.continueExpiries += count;
  }

  /**
   * Drops every open watch, as a proxy or a load balancer does: 'end'
   * closes each stream cleanly (a client re-watches from the last
   * resourceVersion it saw), 'reset' cuts the connection mid-stream.
   */
  dropWatches(mode: 'end' | 'reset' = 'end'): void {
    if (mode === 'reset') {
      for (const res of this.watches.keys()) res.destroy();
      this.watches.clear();
      return;
    }
    for (const close of this.watches.values()) close();
    this.watches.clear();
  }

  /** Requests served so far (oldest first). */
  requests(): readonly SimulatorRequestRecord[] {
    return [...this.log];
  }

  clearRequests(): void {
    this.log.length = 0;
  }

  private resourceFor(apiVersion: string, kind: string): SimulatedResource {
    const resource = findResourceByKind(apiVersion, kind);
    if (!resource)
      throw new TypeError(`The simulator does not serve ${apiVersion} ${kind}`);
    if (!this.isGroupInstalled(resource.group)) {
      throw new TypeError(
        `${apiVersion} is not installed in the simulated cluster`,
      );
    }
    return resource;
  }

  private listen(port: number): Promise<void> {
    const server = createServer((req, res) => this.onRequest(req, res));
    server.keepAliveTimeout = 5_000;
    server.on('connection', socket => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        this.server = server;
        this.port = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  private onRequest(
    req: Parameters<ApiHandler['handle']>[0],
    res: ServerResponse,
  ) {
    if (this.down === 'hang') {
      this.pending.add(res);
      return;
    }
    if (this.continueExpiries > 0 && /[?&]continue=/.test(req.url ?? '')) {
      this.continueExpiries -= 1;
      this.store.compact();
    }
    if (this.down === 'unavailable') {
      const body = JSON.stringify(statusErrors.unavailable().status);
      res.writeHead(503, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(body),
      });
      res.end(body);
      return;
    }
    this.handler.handle(req, res).catch(error => {
      const body = JSON.stringify({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: String(error),
        reason: 'InternalError',
        code: 500,
      });
      if (!res.headersSent)
        res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(body);
    });
  }

  private async close(): Promise<void> {
    this.dropWatches();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    const closed = new Promise<void>(resolve => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
  }
}
