import { createRouteRef } from '@backstage/core-plugin-api';

/** The inventory page, /certificates by default. */
export const rootRouteRef = createRouteRef({ id: 'certificates' });
