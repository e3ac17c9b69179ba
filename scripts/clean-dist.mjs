// Start every build from an empty dist/: tsc never deletes the output of a moved or deleted
// source file, and a stale compiled test would still run.
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
