import { env, InferenceSession, Tensor } from 'onnxruntime-node';
import { BadInputError } from '../util/errors.js';
import { INPUT_SIZE_LIMITS, readBytesFile } from '../util/files.js';
import { sha256Hex } from '../util/hash.js';
import type { Device, Feed, ModelRunner } from './runner.js';

export interface SessionOptions {
  /** Intra-op threads of this session (≈ cores / workers). */
  threads: number;
  device: Device;
  /** Provider order `auto` tries (the card's `executionProviders`); cpu is always the last resort. */
  preference?: readonly ('cuda' | 'cpu')[];
}

export interface OpenedSession {
  session: InferenceSession;
  file: string;
  /** Hex sha256 of the model bytes, for run metadata. */
  sha256: string;
  /** The execution provider the session runs on. */
  provider: 'cpu' | 'cuda';
  /** Set when `auto` wanted cuda but fell back to cpu: why. */
  fallback?: string;
}

/**
 * ONNX Runtime's own logger writes coloured lines straight to the process's stderr, once per worker,
 * beside modeval's one-line error that already says what failed. Only fatal messages get through:
 * the session and each run are set to it, and so is the process-wide logger (first session).
 */
const ORT_LOG_FATAL_ONLY = 4;
env.logLevel = 'fatal';

/** ONNX Runtime's Node binding refuses typed arrays over shared memory (the worker's chunk): copy those. */
function toTensor(feed: Feed): Tensor {
  if (feed.type === 'string') return new Tensor(feed.type, feed.data, feed.dims);
  const data = feed.data.buffer instanceof SharedArrayBuffer ? feed.data.slice() : feed.data;
  return new Tensor(feed.type, data, feed.dims);
}

function sessionOptions(threads: number, provider: 'cpu' | 'cuda'): InferenceSession.SessionOptions {
  return {
    // Optimizer notes (unused initializers...) and run errors would repeat on stderr in every
    // worker; modeval reports failures itself.
    logSeverityLevel: ORT_LOG_FATAL_ONLY,
    intraOpNumThreads: Math.max(1, Math.floor(threads)),
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    // Without this, idle intra-op threads spin between batches and burn the cores other workers need.
    extra: { session: { intra_op: { allow_spinning: '0' } } },
    executionProviders: provider === 'cuda' ? [{ name: 'cuda', deviceId: 0 }] : ['cpu'],
  };
}

/**
 * Open `file` as an ONNX Runtime session. ORT has no automatic CUDA fallback (session creation
 * throws when the provider libraries are missing, even with cpu listed second), so the choice is
 * made here: `cuda` fails clearly, `auto` retries on cpu and says so in `fallback`.
 */
export async function openOnnxSession(file: string, options: SessionOptions): Promise<OpenedSession> {
  const bytes = await readBytesFile(file, 'ONNX model', { maxBytes: INPUT_SIZE_LIMITS.model });
  const sha256 = sha256Hex(bytes);
  const create = async (provider: 'cpu' | 'cuda') => {
    try {
      return await InferenceSession.create(bytes, sessionOptions(options.threads, provider));
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  };
  const wantsCuda =
    options.device === 'cuda' ||
    (options.device === 'auto' && (options.preference ?? ['cuda']).includes('cuda'));
  let fallback: string | undefined;
  if (wantsCuda) {
    const cuda = await create('cuda');
    if (!(cuda instanceof Error)) return { session: cuda, file, sha256, provider: 'cuda' };
    // Tell a broken model apart from a missing provider: if cpu cannot load it either, report that.
    const cpu = await create('cpu');
    if (cpu instanceof Error) throw loadError(file, cpu);
    if (options.device === 'cuda') {
      await cpu.release();
      throw new BadInputError(
        `the CUDA execution provider is not available (${firstLine(cuda.message)}); ` +
          'install onnxruntime-node with its CUDA libraries (ONNXRUNTIME_NODE_INSTALL=cuda12) or use --device cpu|auto',
        { file },
      );
    }
    fallback = `cuda unavailable, running on cpu: ${firstLine(cuda.message)}`;
    return { session: cpu, file, sha256, provider: 'cpu', fallback };
  }
  const cpu = await create('cpu');
  if (cpu instanceof Error) throw loadError(file, cpu);
  return { session: cpu, file, sha256, provider: 'cpu' };
}

function loadError(file: string, err: Error): BadInputError {
  return new BadInputError(
    `ONNX Runtime cannot load the model: ${firstLine(err.message)}`,
    { file },
    { cause: err },
  );
}

function firstLine(s: string): string {
  return s.split('\n', 1)[0]!.trim();
}

/** The ONNX Runtime session behind the backend-neutral runner interface. */
export function onnxRunner(opened: OpenedSession, runtimeVersion: string): ModelRunner {
  const { session } = opened;
  return {
    graph: session,
    file: opened.file,
    sha256: opened.sha256,
    provider: opened.provider,
    fallback: opened.fallback,
    runtime: { 'onnxruntime-node': runtimeVersion },
    async run(feeds: Readonly<Record<string, Feed>>, output: string) {
      const tensors: Record<string, Tensor> = {};
      for (const [name, feed] of Object.entries(feeds)) tensors[name] = toTensor(feed);
      let out: InferenceSession.ReturnType;
      try {
        out = await session.run(tensors, [output], { logSeverityLevel: ORT_LOG_FATAL_ONLY });
      } catch (err) {
        // The same batch would fail again (shapes, types): the model's error, said once, in one line.
        throw new BadInputError(
          `ONNX Runtime cannot run the model on this batch: ${firstLine(String((err as Error)?.message ?? err))}`,
          { file: opened.file },
        );
      }
      const t = out[output]!;
      return { type: t.type, dims: t.dims, data: t.data };
    },
    release: () => session.release(),
  };
}
