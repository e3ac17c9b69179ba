#!/usr/bin/env node
// fdfs_test1 <config_file> <operation> (§12): fdfs_test with file ids; see fdfs-test-run.ts.
import { testMain } from './fdfs-test-run.js';
import { runTool } from './tool-runner.js';

runTool(testMain('fdfs_test1'));
