import { createRouteRef } from '@backstage/core-plugin-api';

/** The inventory page, /certificates by default. */
export const rootRouteRef = createRouteRef({ id: 'certificates' });

/** The root of trust, /certificates/trust by default. */
export const trustRouteRef = createRouteRef({ id: 'certificates-trust' });

/** The approvers' page, /certificates/approvals by default. */
export const approvalsRouteRef = createRouteRef({
  id: 'certificates-approvals',
});
