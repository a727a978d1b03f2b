export * from './hostnames';
export * from './endpointTargets';
export * from './addresses';
export * from './endpointFindings';
