// FastDFS file ids and file names (PROTOCOL.md §7).
export * from './base64.js';
export * from './random.js';
export * from './name-block.js';
export * from './ext.js';
export * from './trunk-name.js';
export * from './slave-name.js';
export * from './subdir.js';
export * from './file-id.js';
