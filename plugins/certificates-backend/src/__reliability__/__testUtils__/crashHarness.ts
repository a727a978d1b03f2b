/*
 * One backend "process" for the crash suite: the approval and issuance
 * services with their own stores, CA object and cluster client over a
 * shared database and simulated cluster, each dependency wrapped so that a
 * crash can be injected before or after any call. A crashed instance is
 * frozen: every later call of it never settles, as if the process were
 * gone, and whatever it had open in a transaction rolls back with the
 * thrown crash. Used in process by crashes.test.ts and by crashChild.ts,
 * which a test kills with SIGKILL. No jest here: the child runs it too.
 */
import {
  BackstageCredentials,
  BackstageUserPrincipal,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  AuditAction,
  CertificatePolicy,
  CertificateRequest,
  RequestState,
} from '@kubecerts/backstage-plugin-certificates-common';
import { KubeConfig } from '@kubernetes/client-node';
import { Knex } from 'knex';
import {
  ApprovalService,
  DatabaseApprovalQueue,
  DatabaseDecisionStore,
} from '../../approvals';
import { DatabaseAuditLog } from '../../audit';
import { BuiltinCa } from '../../ca';
import { KubernetesDelivery } from '../../delivery';
import { IssuanceService, IssuerRegistry } from '../../issuing';
import { DatabaseRequestStore } from '../../requests';
import { readCertificatesSettings } from '../../config';
import { silentNotifier } from '../../__testUtils__/noops';
import {
  awaitingApproval,
  SECURITY_GROUP,
} from '../../__testUtils__/requestRows';
import { issuanceNoops } from '../../issuing/__testUtils__/issuanceNoops';

export const SECURITY = SECURITY_GROUP;
export const APPROVER = 'user:default/sam';
export const CLUSTER = 'sim';
export const CRASH_POLICY: CertificatePolicy = {
  name: 'crash-policy',
  allowedDnsNames: ['*.example.com'],
  approvals: { required: 1, approvers: [SECURITY] },
};

/** What a process dying at that point looks like to the code that was running. */
export class Crash extends Error {
  constructor(readonly at: string) {
    super(`process died at ${at}`);
    this.name = 'Crash';
  }
}

const NEVER = new Promise<never>(() => {});

/** Where to crash: the n-th tick (a tick is the moment before or after one call). */
export interface CrashPlan {
  at: number;
}

/** Counts the ticks of one instance and crashes it at the planned one. */
export class CrashControl {
  ticks = 0;
  readonly labels: string[] = [];
  crashedAt?: string;
  private signal!: (at: string) => void;
  /** Settles when the instance crashed. */
  readonly crashed = new Promise<string>(resolve => {
    this.signal = resolve;
  });

  constructor(
    private readonly plan?: CrashPlan,
    private readonly onCrash?: (at: string) => void,
  ) {}

  get frozen(): boolean {
    return this.crashedAt !== undefined;
  }

  tick(label: string): void {
    this.ticks++;
    this.labels.push(label);
    if (this.plan && this.ticks === this.plan.at) {
      this.crashedAt = label;
      this.onCrash?.(label);
      this.signal(label);
      throw new Crash(label);
    }
  }
}

/**
 * `target` with every method call passing through `control`: a tick before
 * the call, one after it settled. Methods run with the proxy as `this`, so
 * an object's calls to itself are points too (the CA's sign, then record).
 * Methods are what the prototype defines (an own field holding a function,
 * such as a store's knex, is a dependency), or the names in `only`.
 */
export function crashable<T extends object>(
  target: T,
  control: CrashControl,
  name: string,
  only?: string[],
): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver);
      if (typeof value !== 'function' || property === 'constructor')
        return value;
      const method = only
        ? only.includes(String(property))
        : !Object.prototype.hasOwnProperty.call(object, property);
      if (!method) return value;
      const label = `${name}.${String(property)}`;
      return function wrapped(...args: unknown[]) {
        if (control.frozen) return NEVER;
        control.tick(`${label}:before`);
        const result = Reflect.apply(value, receiver, args);
        if (result && typeof (result as Promise<unknown>).then === 'function') {
          return (result as Promise<unknown>).then(settled => {
            if (control.frozen) return NEVER;
            control.tick(`${label}:after`);
            return settled;
          });
        }
        control.tick(`${label}:after`);
        return result;
      };
    },
  });
}

/** A kubeconfig whose API clients pass through `control`. */
function crashableKubeConfig(
  kubeConfig: KubeConfig,
  control: CrashControl,
): KubeConfig {
  return new Proxy(kubeConfig, {
    get(object, property, receiver) {
      if (property === 'makeApiClient') {
        return (api: Parameters<KubeConfig['makeApiClient']>[0]) =>
          crashable(object.makeApiClient(api), control, `k8s.${api.name}`);
      }
      return Reflect.get(object, property, receiver);
    },
  });
}

export function clusterKubeConfig(cluster: {
  url: string;
  token: string;
}): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: CLUSTER, server: cluster.url, skipTLSVerify: true }],
    users: [{ name: 'portal', token: cluster.token }],
    contexts: [{ name: CLUSTER, cluster: CLUSTER, user: 'portal' }],
    currentContext: CLUSTER,
  });
  return kc;
}

const silent: LoggerService = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
  child: () => silent,
};

const allowAll = {
  authorize: async (requests: unknown[]) =>
    requests.map(() => ({ result: AuthorizeResult.ALLOW })),
  authorizeConditional: async (requests: unknown[]) =>
    requests.map(() => ({ result: AuthorizeResult.ALLOW })),
} as unknown as PermissionsService;

export function approverCaller() {
  return {
    credentials: {
      $$type: '@backstage/BackstageCredentials',
      principal: { type: 'user', userEntityRef: APPROVER },
    } as BackstageCredentials<BackstageUserPrincipal>,
    userEntityRef: APPROVER,
    ownershipEntityRefs: [APPROVER, SECURITY],
  };
}

const config = new ConfigReader({
  backend: { baseUrl: 'http://localhost:7007' },
  certificates: {
    builtinCa: { encryptionKey: 'test-encryption-key-of-at-least-32-chars' },
  },
});

export interface InstanceOptions {
  knex: Knex;
  cluster: { url: string; token: string };
  /** Crash injection; without it nothing is wrapped. */
  control?: CrashControl;
  /** This instance's clock runs this far ahead (past leases and the stuck threshold). */
  nowOffsetMs?: number;
}

export async function startInstance(options: InstanceOptions) {
  const { knex, control } = options;
  const wrap = <T extends object>(
    target: T,
    name: string,
    only?: string[],
  ): T => (control ? crashable(target, control, name, only) : target);
  const now = () => new Date(Date.now() + (options.nowOffsetMs ?? 0));
  const kubeConfig = control
    ? crashableKubeConfig(clusterKubeConfig(options.cluster), control)
    : clusterKubeConfig(options.cluster);
  const ca = wrap(
    await BuiltinCa.create({
      knex,
      settings: readCertificatesSettings(config).builtinCa,
      logger: silent,
    }),
    'ca',
  );
  const store = wrap(DatabaseRequestStore.create({ knex }), 'store');
  const audit = wrap(DatabaseAuditLog.create({ knex }), 'audit');
  const { strategies } = KubernetesDelivery.create({
    clusters: {
      get: name => (name === CLUSTER ? { name, kubeConfig } : undefined),
    },
    requests: store,
  });
  const issuance = IssuanceService.create({
    ...issuanceNoops,
    store,
    issuers: IssuerRegistry.create({ issuers: [ca] }),
    logger: silent,
    audit,
    deliveries: { secret: wrap(strategies.secret, 'delivery') },
    now,
  });
  const approvals = ApprovalService.create({
    knex: wrap(knex, 'knex', ['transaction']),
    requests: store,
    decisions: wrap(DatabaseDecisionStore.create({ knex }), 'decisions'),
    audit,
    permissions: allowAll,
    issuance,
    policies: [CRASH_POLICY],
    queue: DatabaseApprovalQueue.create({ knex }),
    directory: { ownershipRefsOf: async ref => [ref, SECURITY] },
    logger: silent,
    notifier: silentNotifier(),
    issuanceWaitMs: 60_000,
    now,
  });
  return { store, issuance, approvals };
}

export type Instance = Awaited<ReturnType<typeof startInstance>>;

/** A request waiting for one approval, for CSR or Secret delivery. */
export async function submitRequest(
  knex: Knex,
  options: {
    kind: 'csr' | 'secret';
    csrPem: string;
    namespace: string;
    secretName: string;
    /** Default the built-in CA; an issuer not configured makes issuance fail. */
    issuer?: string;
  },
): Promise<CertificateRequest> {
  return DatabaseRequestStore.create({ knex }).create(
    awaitingApproval(CRASH_POLICY.name, {
      requester: 'user:default/alice',
      ownerRef: 'group:default/payments',
      issuer: options.issuer ?? 'builtin',
      delivery:
        options.kind === 'csr'
          ? { kind: 'csr' }
          : {
              kind: 'secret',
              cluster: CLUSTER,
              namespace: options.namespace,
              secretName: options.secretName,
            },
      csrPem: options.kind === 'csr' ? options.csrPem : undefined,
    }),
  );
}

/**
 * The audit records a request of this suite must have in each state, one
 * per transition that brought it there (it is stored pending by
 * `submitRequest`, without a record, and approved by one approver).
 */
const TRAIL: Partial<Record<RequestState, AuditAction[]>> = {
  pending: [],
  approved: ['approved'],
  issuing: ['approved', 'issuing'],
  issued: ['approved', 'issuing', 'issued'],
  failed: ['approved', 'issuing', 'failed'],
  denied: ['denied'],
};

/** The outcome each action of the suite is recorded with. */
const OUTCOME: Partial<Record<AuditAction, 'success' | 'failure'>> = {
  approved: 'success',
  issuing: 'success',
  issued: 'success',
  failed: 'failure',
};

/**
 * What is wrong with a request's audit trail (its `certificates_audit`
 * rows, any order) for the state it is in: every transition has exactly
 * one record, naming who, when and how it ended; nothing is recorded
 * twice or for a step the request never took. Empty when it is whole.
 */
export function auditTrailProblems(
  state: RequestState,
  rows: Array<Record<string, unknown>>,
): string[] {
  const expected = TRAIL[state];
  const actions = rows.map(r => String(r.action));
  const shown = actions.join(',') || 'nothing';
  if (!expected) return [`state ${state} has no expected audit trail`];
  const problems: string[] = [];
  for (const action of expected) {
    const n = actions.filter(a => a === action).length;
    if (n !== 1) {
      problems.push(
        `${state} with ${n} ${action} audit records (audit: ${shown})`,
      );
    }
  }
  const unexpected = actions.filter(a => !expected.includes(a as AuditAction));
  if (unexpected.length) {
    problems.push(
      `audit records of steps a ${state} request never took (audit: ${shown})`,
    );
  }
  for (const row of rows) {
    const action = row.action as AuditAction;
    if (!row.actor || !row.at || Number.isNaN(Date.parse(String(row.at)))) {
      problems.push(`the ${action} audit record names no actor or time`);
    }
    if (OUTCOME[action] && row.outcome !== OUTCOME[action]) {
      problems.push(`the ${action} audit record has outcome ${row.outcome}`);
    }
  }
  return problems;
}
