#!/usr/bin/env node
// fdfs_storaged [options] <config_file> [start | stop | restart | status]: the FastDFS storage
// daemon's command line (common/daemon-args.ts), running the storage of daemon.ts in this process.
import { daemonMain } from '../common/daemon-main.js';
import { storageDaemon } from './daemon.js';

daemonMain('fdfs_storaged', storageDaemon);
