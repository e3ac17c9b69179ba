#!/usr/bin/env node
// fdfs_test <config_file> <operation> (§12): see fdfs-test-run.ts.
import { testMain } from './fdfs-test-run.js';
import { runTool } from './tool-runner.js';

runTool(testMain('fdfs_test'));
