export * from './shard-routing';
export * from './pg-shard.error';
export * from './shard-pools';
export * from './migrations';
export * from './copy-rows';
export * from './shard-batch.repository';
export * from './partitions';
export * from './slow-statements';
