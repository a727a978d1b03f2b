export * from './EndpointScanService';
export * from './EndpointStatusStore';
export * from './judgeEndpoint';
export * from './scanEndpoint';
export * from './sources';
export * from './createEndpointsRouter';
