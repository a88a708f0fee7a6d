import onnxProto from 'onnx-proto';
import type { Architecture, NamedArray } from './architectures.js';

/**
 * ONNX export of the reference architectures, built directly as a ModelProto (IR 8, opset 13):
 * inputs `input_ids` and `attention_mask` int64 [batch, seq] → output `logits` float [batch, 2].
 */

const { onnx } = onnxProto;
type NodeProto = onnxProto.onnx.INodeProto;
type TensorProto = onnxProto.onnx.ITensorProto;

const OPSET = 13;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

function floatInitializer(name: string, shape: readonly number[], data: Float32Array): TensorProto {
  // rawData is little-endian bytes; copy so the proto does not alias a larger buffer.
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  return { name, dims: [...shape], dataType: FLOAT, rawData: bytes };
}

function int64Initializer(name: string, values: readonly number[]): TensorProto {
  const data = BigInt64Array.from(values, (v) => BigInt(v));
  return { name, dims: [values.length], dataType: INT64, rawData: new Uint8Array(data.buffer) };
}

function node(
  opType: string,
  inputs: string[],
  outputs: string[],
  attrs: Record<string, number> = {},
): NodeProto {
  return {
    opType,
    input: inputs,
    output: outputs,
    name: `${opType}_${outputs[0]}`,
    attribute: Object.entries(attrs).map(([name, i]) => ({
      name,
      i,
      type: onnx.AttributeProto.AttributeType.INT,
    })),
  };
}

function nodeInts(
  opType: string,
  inputs: string[],
  outputs: string[],
  name: string,
  ints: number[],
  extra: Record<string, number> = {},
): NodeProto {
  const n = node(opType, inputs, outputs, extra);
  n.attribute = [...(n.attribute ?? []), { name, ints, type: onnx.AttributeProto.AttributeType.INTS }];
  return n;
}

/** A graph input/output declaration; a string dim is symbolic (`batch`), a number fixed. */
export function valueInfo(name: string, elemType: number, dims: (string | number)[]) {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}

export interface ExportInfo {
  name: string;
  version: string;
  docString: string;
}

export function exportOnnx(arch: Architecture, params: readonly NamedArray[], info: ExportInfo): Uint8Array {
  const initializers: TensorProto[] = params.map((p) => floatInitializer(p.name, p.shape, p.data));

  const nodes: NodeProto[] = [];
  if (arch.kind === 'mean-pool') {
    initializers.push(int64Initializer('axis_seq', [1]), floatInitializer('one', [], Float32Array.of(1)));
    nodes.push(
      node('Gather', ['embedding', 'input_ids'], ['embedded'], { axis: 0 }),
      node('Cast', ['attention_mask'], ['mask'], { to: FLOAT }),
      node('ReduceSum', ['mask', 'axis_seq'], ['length_raw'], { keepdims: 1 }),
      node('Max', ['length_raw', 'one'], ['length']),
      node('Div', ['mask', 'length'], ['weights_2d']),
      node('Unsqueeze', ['weights_2d', 'axis_seq'], ['weights']),
      node('MatMul', ['weights', 'embedded'], ['pooled_3d']),
      node('Squeeze', ['pooled_3d', 'axis_seq'], ['pooled']),
      node('MatMul', ['pooled', 'dense.weight'], ['scores']),
      node('Add', ['scores', 'dense.bias'], ['logits']),
    );
  } else {
    nodes.push(
      // Masked positions become id 0 ([PAD]), whose embedding row is zero.
      node('Mul', ['input_ids', 'attention_mask'], ['visible_ids']),
      node('Gather', ['embedding', 'visible_ids'], ['embedded'], { axis: 0 }),
      node('Relu', ['embedded'], ['features']),
      // Opset 13 ReduceMax takes its axes as an attribute (ReduceSum already as an input).
      nodeInts('ReduceMax', ['features'], ['pooled'], 'axes', [1], { keepdims: 0 }),
      node('MatMul', ['pooled', 'hidden.weight'], ['hidden_pre']),
      node('Add', ['hidden_pre', 'hidden.bias'], ['hidden_biased']),
      node('Relu', ['hidden_biased'], ['hidden']),
      node('MatMul', ['hidden', 'out.weight'], ['scores']),
      node('Add', ['scores', 'out.bias'], ['logits']),
    );
  }

  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'modeval-recipe',
    producerVersion: info.version,
    modelVersion: 1,
    docString: info.docString,
    graph: {
      name: info.name,
      node: nodes,
      initializer: initializers,
      input: [
        valueInfo('input_ids', INT64, ['batch', 'sequence']),
        valueInfo('attention_mask', INT64, ['batch', 'sequence']),
      ],
      output: [valueInfo('logits', FLOAT, ['batch', arch.labels])],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

/** Float initializers of an ONNX file by name (for rebuilding the TF.js model from it). */
export function readFloatInitializers(bytes: Uint8Array): NamedArray[] {
  const model = onnx.ModelProto.decode(bytes);
  const out: NamedArray[] = [];
  for (const t of model.graph?.initializer ?? []) {
    if (t.dataType !== FLOAT || !t.rawData || t.rawData.length === 0) continue;
    const raw = t.rawData;
    const data = new Float32Array(raw.byteLength / 4);
    new Uint8Array(data.buffer).set(raw);
    out.push({ name: t.name ?? '', shape: (t.dims ?? []).map(Number), data });
  }
  return out;
}
