// The client subcommands of `fdfs`, each registered by one function.
export { registerBenchCommand } from './bench.js';
export { registerInfoCommands } from './info.js';
export { registerMonitorCommand } from './monitor.js';
export { registerTrackerStatusCommand } from './tracker-status.js';
export { registerTransferCommands } from './transfer.js';
