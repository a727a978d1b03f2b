import {
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { Request } from 'express';

/** The signed-in user behind a request. */
export interface CallerIdentity {
  credentials: BackstageCredentials<BackstageUserPrincipal>;
  /** e.g. user:default/alice */
  userEntityRef: string;
  /** The user and the groups it belongs to. */
  ownershipEntityRefs: string[];
}

/** Resolves the caller; rejects anything but a signed-in user (401). */
export async function getCaller(
  req: Request,
  deps: { httpAuth: HttpAuthService; userInfo: UserInfoService },
): Promise<CallerIdentity> {
  const credentials = await deps.httpAuth.credentials(req, { allow: ['user'] });
  const info = await deps.userInfo.getUserInfo(credentials);
  return {
    credentials,
    userEntityRef: info.userEntityRef,
    ownershipEntityRefs: info.ownershipEntityRefs,
  };
}

/**
 * A signed-in user or a service principal (automation: an external access
 * token, another backend plugin acting for itself), for the routes that
 * automation may use: reads and request creation. Never for decisions.
 */
export interface ActorIdentity {
  credentials: BackstageCredentials;
  /** The user's entity ref, or the service's subject (e.g. external:ci-bot). */
  userEntityRef: string;
  /** The user and their groups; empty for a service, which owns nothing. */
  ownershipEntityRefs: string[];
}

/** Resolves a user or a service caller; rejects anonymous requests (401). */
export async function getActor(
  req: Request,
  deps: { httpAuth: HttpAuthService; userInfo: UserInfoService },
): Promise<ActorIdentity> {
  const credentials = await deps.httpAuth.credentials(req, {
    allow: ['user', 'service'],
  });
  if (credentials.principal.type === 'service') {
    return {
      credentials,
      userEntityRef: credentials.principal.subject,
      ownershipEntityRefs: [],
    };
  }
  return getCaller(req, deps);
}

/** Whether the caller is a signed-in user (the only kind that may decide, renew or revoke). */
export function isUser(actor: ActorIdentity): actor is CallerIdentity {
  return (actor.credentials.principal as { type?: string }).type === 'user';
}
