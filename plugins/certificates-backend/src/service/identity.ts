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
