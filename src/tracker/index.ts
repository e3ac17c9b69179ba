// The tracker: its server, and the pure state and leader rules it is built on.
export { TrackerServer, type TrackerServerOptions } from './server.js';
