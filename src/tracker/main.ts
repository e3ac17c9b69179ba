#!/usr/bin/env node
// fdfs_trackerd [options] <config_file> [start | stop | restart | status]: the FastDFS tracker
// daemon's command line (common/daemon-args.ts), running the tracker of daemon.ts in this process.
import { daemonMain } from '../common/daemon-main.js';
import { trackerDaemon } from './daemon.js';

daemonMain('fdfs_trackerd', trackerDaemon);
