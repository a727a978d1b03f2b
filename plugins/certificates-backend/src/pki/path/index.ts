export { buildChainTrust, pathNode } from './buildChainTrust';
export type { PathNode, PathSearch } from './buildChainTrust';
