/**
 * A small builder for ONNX graphs (opset 13) on top of onnx-proto.
 * @module
 */

import onnxProto from "onnx-proto";

const { onnx } = onnxProto;

/** One dimension: a fixed size or a symbolic name such as "N". */
export type Dim = number | string;

type AttrValue = number | number[] | { float: number };

/** ONNX element types used here. */
export const FLOAT = 1;
export const INT32 = 6;
export const INT64 = 7;

function valueInfo(name: string, elemType: number, dims: readonly Dim[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType,
        shape: {
          dim: dims.map((d) =>
            typeof d === "number" ? { dimValue: d } : { dimParam: d }
          ),
        },
      },
    },
  });
}

function attribute(name: string, value: AttrValue) {
  const A = onnx.AttributeProto.AttributeType;
  if (Array.isArray(value)) return { name, type: A.INTS, ints: value };
  if (typeof value === "number") return { name, type: A.INT, i: value };
  return { name, type: A.FLOAT, f: value.float };
}

/** Accumulates nodes, constants and IO, then serialises one model. */
export class GraphBuilder {
  readonly #nodes: ReturnType<typeof onnx.NodeProto.create>[] = [];
  readonly #inits: ReturnType<typeof onnx.TensorProto.create>[] = [];
  readonly #inputs: ReturnType<typeof onnx.ValueInfoProto.create>[] = [];
  readonly #outputs: ReturnType<typeof onnx.ValueInfoProto.create>[] = [];
  readonly #name: string;
  #counter = 0;

  constructor(name: string) {
    this.#name = name;
  }

  /** Declares a graph input. */
  input(name: string, elemType: number, dims: readonly Dim[]): string {
    this.#inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  /** Declares a graph output (the tensor must be produced under this name). */
  output(name: string, elemType: number, dims: readonly Dim[]): void {
    this.#outputs.push(valueInfo(name, elemType, dims));
  }

  /** A float32 constant. */
  float(
    name: string,
    dims: readonly number[],
    data: Float32Array | number[],
  ): string {
    const values = data instanceof Float32Array
      ? data
      : Float32Array.from(data);
    const bytes = new Uint8Array(
      values.buffer.slice(
        values.byteOffset,
        values.byteOffset + values.byteLength,
      ),
    );
    this.#inits.push(onnx.TensorProto.create({
      name: this.#unique(name),
      dims: [...dims],
      dataType: FLOAT,
      rawData: bytes,
    }));
    return this.#inits.at(-1)?.name ?? name;
  }

  /** An int64 constant (shapes, axes). */
  int64(name: string, values: number[]): string {
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    this.#inits.push(onnx.TensorProto.create({
      name: this.#unique(name),
      dims: [values.length],
      dataType: INT64,
      rawData: new Uint8Array(data.buffer),
    }));
    return this.#inits.at(-1)?.name ?? name;
  }

  /** An int32 scalar constant. */
  int32Scalar(name: string, value: number): string {
    this.#inits.push(onnx.TensorProto.create({
      name: this.#unique(name),
      dims: [],
      dataType: INT32,
      rawData: new Uint8Array(Int32Array.of(value).buffer),
    }));
    return this.#inits.at(-1)?.name ?? name;
  }

  /** Adds a node; returns its (first) output name. */
  node(
    op: string,
    inputs: string[],
    options: { out?: string; attrs?: Record<string, AttrValue> } = {},
  ): string {
    const out = options.out ?? this.#unique(op.toLowerCase());
    this.#nodes.push(onnx.NodeProto.create({
      opType: op,
      input: inputs,
      output: [out],
      name: `${op}_${this.#nodes.length}`,
      attribute: Object.entries(options.attrs ?? {}).map(([k, v]) =>
        attribute(k, v)
      ),
    }));
    return out;
  }

  /** The serialised ModelProto (IR 8, opset 13). */
  encode(): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: "make-trainer",
      opsetImport: [{ domain: "", version: 13 }],
      graph: {
        name: this.#name,
        node: this.#nodes,
        initializer: this.#inits,
        input: this.#inputs,
        output: this.#outputs,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }

  #unique(base: string): string {
    return `${base}_${this.#counter++}`;
  }
}
