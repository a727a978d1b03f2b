export { DiscoveryService } from './DiscoveryService';
export type { DiscoveryServiceOptions } from './DiscoveryService';
export {
  loadOwnershipEntities,
  toOwnershipEntity,
  ownerRefOf,
} from './catalogEntities';
export { setupDiscovery } from './setupDiscovery';
export type { SetupDiscoveryOptions } from './setupDiscovery';
