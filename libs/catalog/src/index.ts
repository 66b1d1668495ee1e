export * from './catalog.error';
export * from './node-address';
export * from './cluster-state.repository';
export * from './shard-list-agreement';
export * from './catalog-setup';
export * from './shard-topology';
