export { computeHealth, computeStatus } from './computeHealth';
export type { HealthContext, HealthVerdict } from './computeHealth';
