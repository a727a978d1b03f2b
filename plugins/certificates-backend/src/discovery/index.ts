export { DiscoveryService } from './DiscoveryService';
export type { DiscoveryServiceOptions } from './DiscoveryService';
export {
  loadOwnershipEntities,
  toOwnershipEntity,
  ownerRefOf,
} from './catalogEntities';
export { REQUEST_ID_KEY } from './evaluate';
export { setupDiscovery } from './setupDiscovery';
export type { SetupDiscoveryOptions } from './setupDiscovery';
