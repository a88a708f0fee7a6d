import onnxProto from 'onnx-proto';
import { valueInfo } from '../../models/recipe/onnx-export.js';

/**
 * SYNTHETIC graphs that fail at run time, as broken or mismatched models do; no real model fails
 * on purpose.
 */
const { onnx } = onnxProto;

/**
 * features `x` float [batch, 'features'] + a constant of shape [2] → `logits`: the input width is
 * symbolic, so the graph loads whatever the card's `dim`, and ONNX Runtime refuses to broadcast
 * any width but 1 or 2 when it runs.
 */
export function addConstantModel(): Uint8Array {
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 13 }],
      producerName: 'modeval-test (synthetic)',
      graph: {
        name: 'add-constant',
        node: [{ opType: 'Add', input: ['x', 'bias'], output: ['logits'], name: 'add' }],
        initializer: [
          { name: 'bias', dims: [2], dataType: FLOAT, rawData: new Uint8Array(Float32Array.of(0, 1).buffer) },
        ],
        input: [valueInfo('x', FLOAT, ['batch', 'features'])],
        output: [valueInfo('logits', FLOAT, ['batch', 'classes'])],
      },
    }),
  ).finish();
}
