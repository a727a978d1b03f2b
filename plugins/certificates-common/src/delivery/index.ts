export { deliveryTargetVerdict } from './deliveryTarget';
export type {
  DeliveringRequest,
  DeliveryTargetFacts,
  DeliveryTargetVerdict,
  TargetCertificate,
  TargetObject,
  TargetRequest,
} from './deliveryTarget';
export { deliveryOf } from './deliveryOf';
export { deliveredLeafVerdict } from './deliveredLeaf';
export type { DeliveredLeafFacts, DeliveredLeafVerdict } from './deliveredLeaf';
