export { DiscoveryService } from './DiscoveryService';
export type { DiscoveryServiceOptions } from './DiscoveryService';
export {
  loadOwnershipEntities,
  toOwnershipEntity,
  ownerRefOf,
} from './catalogEntities';
