import { join } from 'node:path';
import { packageRoot } from '../util/paths.js';

/*
 * The one module that reaches the folders the package ships beside its code: the reference models
 * (models/) and the example policies (examples/). The library never does; the demo jobs do through
 * here, and test/architecture/layering.test.ts checks that no other file names these folders.
 */

/** A reference model folder shipped with the package (models/<name>, see models/README.md). */
export function bundledModel(name: string): string {
  return join(packageRoot(), 'models', name);
}

/** A file under the package's examples/ folder, e.g. `bundledExample('ci', 'gate.yaml')`. */
export function bundledExample(...parts: string[]): string {
  return join(packageRoot(), 'examples', ...parts);
}
