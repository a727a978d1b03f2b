import {
  BackstageCredentials,
  coreServices,
  createServiceFactory,
  LoggerService,
  PermissionsService,
  RootLoggerService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';

/** One log call as the plugin made it, rendered to text so it can be searched. */
export interface CapturedLine {
  level: string;
  text: string;
}

function render(value: unknown): string {
  const seen = new WeakSet<object>();
  try {
    return JSON.stringify(value, (_key, v) => {
      if (v instanceof Error) {
        return { ...v, name: v.name, message: v.message, stack: v.stack };
      }
      if (typeof v === 'bigint') return v.toString();
      if (Buffer.isBuffer(v)) return v.toString('base64');
      if (v && typeof v === 'object') {
        if (seen.has(v)) return '[circular]';
        seen.add(v);
      }
      return v;
    });
  } catch {
    return String(value);
  }
}

/**
 * A root logger that keeps every line (the auditor writes through it too),
 * so a suite can search everything the plugin said.
 */
export class CapturingLogger implements RootLoggerService {
  constructor(
    readonly lines: CapturedLine[] = [],
    private readonly fields: Record<string, unknown> = {},
  ) {}

  private log(level: string, message: string, meta?: Error | unknown) {
    this.lines.push({
      level,
      text: `${message} ${render(this.fields)} ${render(meta)}`,
    });
  }

  error(message: string, meta?: Error | unknown) {
    this.log('error', message, meta);
  }
  warn(message: string, meta?: Error | unknown) {
    this.log('warn', message, meta);
  }
  info(message: string, meta?: Error | unknown) {
    this.log('info', message, meta);
  }
  debug(message: string, meta?: Error | unknown) {
    this.log('debug', message, meta);
  }
  child(meta: Record<string, unknown>): LoggerService {
    return new CapturingLogger(this.lines, { ...this.fields, ...meta });
  }

  factory() {
    return createServiceFactory({
      service: coreServices.rootLogger,
      deps: {},
      factory: () => this,
    });
  }
}

function userOf(credentials?: BackstageCredentials): string | undefined {
  const principal = credentials?.principal as
    | { type?: string; userEntityRef?: string }
    | undefined;
  return principal?.type === 'user' ? principal.userEntityRef : undefined;
}

/**
 * A permission policy that allows everything (the backend's own rules must
 * hold whatever the policy says), with per-user denials for the few cases
 * that need someone who may not read.
 */
export class AllowAllPermissions implements PermissionsService {
  private readonly denied = new Map<string, Set<string>>();

  deny(userEntityRef: string, permissionName: string) {
    const set = this.denied.get(userEntityRef) ?? new Set<string>();
    set.add(permissionName);
    this.denied.set(userEntityRef, set);
  }

  private result(
    name: string,
    options?: { credentials?: BackstageCredentials },
  ) {
    const user = userOf(options?.credentials);
    return user && this.denied.get(user)?.has(name)
      ? AuthorizeResult.DENY
      : AuthorizeResult.ALLOW;
  }

  async authorize(requests: any[], options?: any): Promise<any[]> {
    return requests.map(r => ({
      ...r,
      result: this.result(r.permission.name, options),
    }));
  }

  async authorizeConditional(requests: any[], options?: any): Promise<any[]> {
    return requests.map(r => ({
      ...r,
      result: this.result(r.permission.name, options),
    }));
  }

  factory() {
    return createServiceFactory({
      service: coreServices.permissions,
      deps: {},
      factory: () => this,
    });
  }
}

/** userInfo from a membership table the suite may change while it runs. */
export function membershipUserInfo(membership: Map<string, string[]>) {
  return createServiceFactory({
    service: coreServices.userInfo,
    deps: {},
    factory: () => ({
      async getUserInfo(credentials: BackstageCredentials) {
        const user = userOf(credentials);
        if (!user) throw new InputError('user info is only for users');
        return {
          userEntityRef: user,
          ownershipEntityRefs: [user, ...(membership.get(user) ?? [])],
        };
      },
    }),
  });
}
