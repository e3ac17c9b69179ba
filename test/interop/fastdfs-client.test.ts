// fastdfs-client@1.0.2 from npm against a live cluster of ours: every call the client has (promise-client-cases.ts).
import { describePromiseClient } from './promise-client-cases.js';

describePromiseClient('fastdfs-client', '1.0.2');
