import { createRouteRef } from '@backstage/core-plugin-api';

/** The inventory page, /certificates by default. */
export const rootRouteRef = createRouteRef({ id: 'certificates' });

/** The approvers' page, /certificates/approvals by default. */
export const approvalsRouteRef = createRouteRef({
  id: 'certificates-approvals',
});
