// Paths for tests, from the compiled location (dist/_test/test/support/) back to the repository.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const VECTORS_DIR = join(REPO_ROOT, 'test', 'vectors');
export const DIST_DIR = join(REPO_ROOT, 'dist');
export const CLI_PATH = join(DIST_DIR, 'cli', 'fdfs.js');
