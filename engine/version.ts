/** agglo's own version, from its package.json (shown in reports and `agglo --version`). */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findVersion(): string {
  // engine/ when run from sources, dist/engine/ when compiled: walk up to agglo's package.json.
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'agglo' && pkg.version) return pkg.version;
    } catch {
      // not here; go up
    }
    dir = path.dirname(dir);
  }
  return 'unknown';
}

export const AGGLO_VERSION: string = findVersion();
