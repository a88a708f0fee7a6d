import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { type GraphModel, loadGraphModel } from '@tensorflow/tfjs-converter';
import { type LayersModel, loadLayersModel } from '@tensorflow/tfjs-layers';
import { BadInputError } from '../util/errors.js';
import { sha256Hex } from '../util/hash.js';
import { type ModelCard, modelFileName, type TfjsModel } from './card.js';
import type { Device, Feed, GraphSignature, ModelRunner, RunOutput } from './runner.js';

/**
 * The TF.js backend: graph and layers models from a model folder or an installed npm package,
 * run on the fastest TF.js backend that loads here: `tensorflow` (@tensorflow/tfjs-node, optional,
 * when installed), else `wasm` (@tensorflow/tfjs-backend-wasm, binaries inside the package), else
 * the pure-JS `cpu` backend. One backend per thread: TF.js keeps its engine in a global.
 */

export type TfjsBackendName = 'tensorflow' | 'wasm' | 'cpu';

const require = createRequire(import.meta.url);
let chosen: Promise<TfjsBackendName> | undefined;

async function tryTensorflow(): Promise<boolean> {
  try {
    // Optional dependency: absent where libtensorflow could not be downloaded at install. Loaded
    // with require (it is CommonJS, as the tfjs-core it registers with) so a missing module has no types to lack.
    require('@tensorflow/tfjs-node');
    return await tf.setBackend('tensorflow');
  } catch {
    return false;
  }
}

async function tryWasm(): Promise<boolean> {
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // Read the .wasm binaries from the installed package, never over the network.
    wasm.setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`);
    return await tf.setBackend('wasm');
  } catch {
    return false;
  }
}

/** Pick (once per thread) and activate the TF.js backend. */
export function selectTfjsBackend(): Promise<TfjsBackendName> {
  chosen ??= (async () => {
    if (await tryTensorflow()) return 'tensorflow';
    if (await tryWasm()) return 'wasm';
    await tf.setBackend('cpu');
    return 'cpu';
  })();
  return chosen;
}

function firstLine(s: string): string {
  return s.split('\n', 1)[0]!.trim();
}

/**
 * The folder of an installed npm package, looked up the way Node does (node_modules folders from
 * `from` upwards), without resolving an entry point: a package's `exports` may hide package.json.
 */
function findPackageDir(name: string, from: string): string | undefined {
  let dir = resolve(from);
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** Where the card's model files are: the model folder, or a folder inside an installed package. */
export function tfjsModelDir(modelDir: string, spec: TfjsModel, cardFile: string): string {
  if (spec.package === undefined) return modelDir;
  const { name } = spec.package;
  const root =
    findPackageDir(name, modelDir) ?? findPackageDir(name, dirname(fileURLToPath(import.meta.url)));
  if (root === undefined) {
    throw new BadInputError(
      `the model's files are in the npm package ${JSON.stringify(name)}, which is not installed (npm install ${name})`,
      { file: cardFile, field: 'tfjs.package.name' },
    );
  }
  return join(root, spec.package.dir);
}

/**
 * A CommonJS module of data (nsfwjs's `.min.js` bundles), evaluated in a fresh context with only
 * `module` and `exports`; the JSON round trip keeps plain data and drops the other realm's prototypes.
 */
function evaluateDataModule(source: string, file: string): unknown {
  const module = { exports: {} as unknown };
  vm.runInNewContext(source, { module, exports: module.exports }, { filename: file, timeout: 30_000 });
  return JSON.parse(JSON.stringify(module.exports ?? null));
}

interface LoadedFiles {
  artifacts: tf.io.ModelArtifacts;
  sha256: string;
}

async function readOrFail(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    throw new BadInputError(`cannot read the TF.js ${what}: ${(err as NodeJS.ErrnoException).code ?? err}`, {
      file,
    });
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Read the model JSON and its weight files (no network: every path stays inside `dir`). */
async function readModelFiles(dir: string, file: string, spec: TfjsModel): Promise<LoadedFiles> {
  const path = join(dir, file);
  const raw = await readOrFail(path, 'model');
  let json: unknown;
  try {
    json =
      spec.format === 'js-bundle'
        ? evaluateDataModule(raw.toString('utf8'), path)
        : JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new BadInputError(`the TF.js model cannot be read: ${firstLine((err as Error).message)}`, {
      file: path,
    });
  }
  if (!isObject(json) || !isObject(json.modelTopology)) {
    throw new BadInputError('the TF.js model has no modelTopology object', {
      file: path,
      field: 'modelTopology',
    });
  }
  const manifest = json.weightsManifest;
  if (!Array.isArray(manifest)) {
    throw new BadInputError('the TF.js model has no weightsManifest list', {
      file: path,
      field: 'weightsManifest',
    });
  }
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const parts: Uint8Array[] = [];
  const hashes: string[] = [sha256Hex(raw)];
  for (const group of manifest as { paths?: unknown; weights?: unknown }[]) {
    if (!Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw new BadInputError('a weightsManifest group lacks paths or weights', {
        file: path,
        field: 'weightsManifest',
      });
    }
    for (const p of group.paths) {
      if (typeof p !== 'string' || !/^[^/\\]+$/.test(p) || p === '..') {
        throw new BadInputError(`weight file ${JSON.stringify(p)} is not a file name beside the model`, {
          file: path,
          field: 'weightsManifest',
        });
      }
      const shardFile = join(dir, spec.format === 'js-bundle' ? `${p}.min.js` : p);
      const bytes = await readOrFail(shardFile, 'weights');
      hashes.push(sha256Hex(bytes));
      if (spec.format === 'js-bundle') {
        const b64 = evaluateDataModule(bytes.toString('utf8'), shardFile);
        if (typeof b64 !== 'string') {
          throw new BadInputError('the weight bundle does not export a base64 string', { file: shardFile });
        }
        parts.push(Buffer.from(b64, 'base64'));
      } else {
        parts.push(bytes);
      }
    }
    weightSpecs.push(...(group.weights as tf.io.WeightsManifestEntry[]));
  }
  const weights = Buffer.concat(parts);
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: json.modelTopology as tf.io.ModelArtifacts['modelTopology'],
    weightSpecs,
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    ...(typeof json.format === 'string' ? { format: json.format } : {}),
  };
  return { artifacts, sha256: sha256Hex(hashes.join('\n')) };
}

type Meta = GraphSignature['inputMetadata'][number];

function meta(name: string, shape: readonly (number | null)[] | undefined, dtype: string | undefined): Meta {
  return {
    name,
    isTensor: true,
    // TF.js graph outputs often carry no dtype; the predictor checks the real output's type.
    type: dtype ?? 'float32',
    shape: (shape ?? []).map((d, i) => (d === null || d < 0 ? (i === 0 ? 'batch' : '?') : d)),
  };
}

function signature(model: GraphModel | LayersModel, kind: TfjsModel['modelType']): GraphSignature {
  if (kind === 'layers') {
    const m = model as LayersModel;
    const inputs = m.inputs.map((t, i) => meta(m.inputNames[i] ?? t.name, t.shape, t.dtype));
    const outputs = m.outputs.map((t, i) => meta(m.outputNames[i] ?? t.name, t.shape, t.dtype));
    return {
      inputNames: inputs.map((x) => x.name),
      outputNames: outputs.map((x) => x.name),
      inputMetadata: inputs,
      outputMetadata: outputs,
    };
  }
  const g = model as GraphModel;
  const inputs = g.inputs.map((t) => meta(t.name, t.shape, t.dtype));
  const outputs = g.outputs.map((t) => meta(t.name, t.shape, t.dtype));
  return {
    inputNames: inputs.map((x) => x.name),
    outputNames: outputs.map((x) => x.name),
    inputMetadata: inputs,
    outputMetadata: outputs,
  };
}

function toTensor(feed: Feed): tf.Tensor {
  switch (feed.type) {
    case 'float32':
      return tf.tensor(feed.data, feed.dims, 'float32');
    case 'uint8':
      // TF.js has no uint8 tensors; int32 holds the same values.
      return tf.tensor(Int32Array.from(feed.data), feed.dims, 'int32');
    case 'int64':
      return tf.tensor(Int32Array.from(feed.data, Number), feed.dims, 'int32');
    case 'string':
      return tf.tensor(feed.data, feed.dims, 'string');
  }
}

/** A synchronous graph run, or null when the graph has control flow or dynamic shapes. */
function executeOrNull(
  g: GraphModel,
  feeds: tf.NamedTensorMap,
  output: string,
): tf.Tensor | tf.Tensor[] | null {
  try {
    return g.execute(feeds, output);
  } catch (err) {
    if (/executeAsync/.test((err as Error).message)) return null;
    throw err;
  }
}

export interface TfjsOpenOptions {
  device: Device;
  cardFile: string;
}

/** Load the card's TF.js model on this thread's backend. */
export async function openTfjsModel(
  modelDir: string,
  card: ModelCard,
  options: TfjsOpenOptions,
): Promise<ModelRunner> {
  const spec = card.tfjs!;
  if (options.device === 'cuda') {
    throw new BadInputError(
      'the tfjs backend runs on the CPU here (TF.js CUDA needs @tensorflow/tfjs-node-gpu); use --device cpu or auto',
      { file: options.cardFile, field: 'backend' },
    );
  }
  const backend = await selectTfjsBackend();
  const dir = tfjsModelDir(modelDir, spec, options.cardFile);
  const file = join(dir, modelFileName(card));
  const { artifacts, sha256 } = await readModelFiles(dir, modelFileName(card), spec);
  const handler: tf.io.IOHandler = { load: async () => artifacts };
  let model: GraphModel | LayersModel;
  try {
    model = spec.modelType === 'graph' ? await loadGraphModel(handler) : await loadLayersModel(handler);
  } catch (err) {
    throw new BadInputError(
      `TF.js cannot load the ${spec.modelType} model: ${firstLine((err as Error).message)}`,
      { file },
      { cause: err },
    );
  }
  const graph = signature(model, spec.modelType);
  let dynamicGraph = false;
  const wantedCuda = options.device === 'auto' && card.executionProviders.includes('cuda');

  async function run(feeds: Readonly<Record<string, Feed>>, output: string): Promise<RunOutput> {
    const tensors = new Map(Object.entries(feeds).map(([name, feed]) => [name, toTensor(feed)]));
    let out: tf.Tensor | undefined;
    try {
      if (spec.modelType === 'graph') {
        const g = model as GraphModel;
        const named = Object.fromEntries(tensors);
        // execute() is synchronous and refuses graphs with control flow, which need executeAsync().
        const result = dynamicGraph ? await g.executeAsync(named, output) : executeOrNull(g, named, output);
        if (result === null) dynamicGraph = true;
        const settled = result ?? (await g.executeAsync(named, output));
        out = Array.isArray(settled) ? settled[0] : settled;
      } else {
        const m = model as LayersModel;
        const ordered = graph.inputNames.map((name) => tensors.get(name)!);
        const result = m.predict(ordered.length === 1 ? ordered[0]! : ordered);
        const list = Array.isArray(result) ? result : [result];
        out = list[Math.max(0, graph.outputNames.indexOf(output))];
        for (const t of list) if (t !== out) t.dispose();
      }
      return { type: out!.dtype, dims: [...out!.shape], data: await out!.data() };
    } finally {
      for (const t of tensors.values()) t.dispose();
      out?.dispose();
    }
  }

  return {
    graph,
    file,
    sha256,
    provider: 'cpu',
    fallback: wantedCuda ? `cuda unavailable to the tfjs backend, running on cpu (${backend})` : undefined,
    runtime: { tfjs: tf.version_core, 'tfjs-backend': backend },
    run,
    release: async () => {
      model.dispose();
    },
  };
}
