// The shared wire structures of FastDFS (§4, §14), one file each.
export * from './storage-brief.js';
export * from './group-stat.js';
export * from './storage-stat-block.js';
export * from './storage-stat-record.js';
export * from './join-body.js';
export * from './sync-body.js';
export * from './trunk-slot.js';
export * from './beat-response.js';
export * from './tracker-cluster.js';
export * from './tracker-cluster-stat.js';
export * from './storage-cluster-stat.js';
export * from './volumn-stat.js';
