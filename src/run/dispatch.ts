import { BadInputError, RunFailedError } from '../util/errors.js';
import type { InferFailure, InferReply, InferResult, InferTask } from './protocol.js';
import { packedString, type RowChunk } from './rebatch.js';

export interface DispatchOptions {
  /**
   * Score one task (a worker-pool call). A rejection means the worker died: the chunk is retried.
   * An InferFailure answer is the model's or the data's error: the run stops, no retry.
   */
  run: (task: InferTask) => Promise<InferReply>;
  /** Chunks in flight at most: bounds memory to this many chunks of rows and results. */
  maxInFlight: number;
  /** Attempts after the first for a chunk whose worker failed. */
  maxRetries: number;
  /**
   * The seq of the first chunk to come (non-zero when resuming); default: the first one submitted
   * (a shard's chunks start wherever its share starts).
   */
  firstSeq?: number;
  /** Receives each result strictly in chunk order, one at a time, whatever order they finish in. */
  deliver: (chunk: RowChunk, result: InferResult) => Promise<void>;
  log: (line: string) => void;
  /** Fault injection: the worker holding this chunk exits (once, or on every attempt). */
  crashAtSeq?: { seq: number; always?: boolean } | undefined;
}

/**
 * Sends chunks to workers with bounded in-flight work and hands the results on in chunk order.
 * The first failure stops further dispatch; `settle` waits for what is in flight and rethrows it.
 */
export class InOrderDispatcher {
  retries = 0;
  failure: unknown;
  readonly #o: DispatchOptions;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #done = new Map<number, { chunk: RowChunk; result: InferResult }>();
  #nextSeq: number | undefined;
  #delivering: Promise<void> = Promise.resolve();

  constructor(options: DispatchOptions) {
    this.#o = options;
    this.#nextSeq = options.firstSeq;
  }

  get failed(): boolean {
    return Boolean(this.failure);
  }

  /** Wait for a free slot, then start the chunk (not awaited: results arrive through `deliver`). */
  async submit(chunk: RowChunk): Promise<void> {
    while (this.#inFlight.size >= this.#o.maxInFlight) await Promise.race(this.#inFlight);
    if (this.failed) return;
    this.#nextSeq ??= chunk.seq;
    const p: Promise<void> = this.#runWithRetries(chunk)
      .then((result) => {
        this.#done.set(chunk.seq, { chunk, result });
        return this.#deliverInOrder();
      })
      .catch((err) => {
        this.failure ??= err;
      })
      .finally(() => this.#inFlight.delete(p));
    this.#inFlight.add(p);
  }

  /** Wait for every started chunk and every delivery. */
  async settle(): Promise<void> {
    await Promise.all(this.#inFlight);
    await this.#delivering;
  }

  #deliverInOrder(): Promise<void> {
    this.#delivering = this.#delivering.then(async () => {
      while (this.#nextSeq !== undefined && this.#done.has(this.#nextSeq)) {
        const seq: number = this.#nextSeq;
        const { chunk, result } = this.#done.get(seq)!;
        this.#done.delete(seq);
        await this.#o.deliver(chunk, result);
        this.#nextSeq = seq + 1;
      }
    });
    return this.#delivering;
  }

  async #runWithRetries(chunk: RowChunk): Promise<InferResult> {
    for (let attempt = 0; ; attempt++) {
      const task: InferTask = { seq: chunk.seq, rows: chunk.length, inputs: chunk.inputs };
      const crash = this.#o.crashAtSeq;
      if (crash && crash.seq === chunk.seq && (crash.always || attempt === 0)) task.crash = true;
      let reply: InferReply;
      try {
        reply = await this.#o.run(task);
      } catch (err) {
        if (attempt >= this.#o.maxRetries) {
          const first = packedString(chunk.ids, 0);
          const last = packedString(chunk.ids, chunk.length - 1);
          throw new RunFailedError(
            `chunk ${chunk.seq} (dataset rows ${chunk.rows[0]}-${chunk.endRow - 1}, ids ${JSON.stringify(first)}…${JSON.stringify(last)}) failed ${attempt + 1} times; last error: ${(err as Error).message}`,
            { cause: err },
          );
        }
        this.retries++;
        this.#o.log(`modeval: worker failed on chunk ${chunk.seq} (${(err as Error).message}); retrying`);
        continue;
      }
      if ('failure' in reply) throw failureError(reply, chunk);
      return reply;
    }
  }
}

/** A worker's deterministic failure as the error the run ends with (exit 2 or 3, no stack trace). */
function failureError(reply: InferFailure, chunk: RowChunk): Error {
  const { message, badInput } = reply.failure;
  if (badInput) return new BadInputError(message);
  return new RunFailedError(
    `scoring dataset rows ${chunk.rows[0]}-${chunk.endRow - 1} failed: ${message.split('\n', 1)[0]}`,
  );
}
