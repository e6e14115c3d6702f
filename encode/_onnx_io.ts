/**
 * Reads an ONNX model's graph inputs and outputs (names, element types, shapes)
 * and compares them with what the manifest implies (docs/MODEL.md).
 * @module
 */

import onnxProto from "onnx-proto";
import type { BundleManifest } from "./bundle_manifest.ts";

const { onnx } = onnxProto;

/** The four ONNX graphs of a bundle. */
export type GraphKey = "query" | "title" | "image" | "fusion";

/** One expected tensor: "N" is the dynamic batch dimension. */
interface TensorSpec {
  readonly name: string;
  readonly type: "float32" | "int32";
  readonly shape: readonly (number | "N")[];
}

const ELEM_TYPES: Record<number, string> = {
  1: "float32",
  6: "int32",
  7: "int64",
  10: "float16",
  11: "float64",
};

/** Inputs and outputs a graph must have for `manifest`. */
export function expectedIo(
  key: GraphKey,
  manifest: BundleManifest,
): { inputs: TensorSpec[]; outputs: TensorSpec[] } {
  const D = manifest.dims;
  const embedding: TensorSpec = {
    name: "embedding",
    type: "float32",
    shape: ["N", D],
  };
  switch (key) {
    case "query":
    case "title":
      return {
        inputs: [{
          name: "ids",
          type: "int32",
          shape: ["N", manifest.text.maxTokens],
        }],
        outputs: [embedding],
      };
    case "image": {
      const { width, height } = manifest.image;
      return {
        inputs: [{
          name: "pixels",
          type: "float32",
          shape: ["N", 3, height, width],
        }],
        outputs: [embedding],
      };
    }
    case "fusion":
      return {
        inputs: [
          { name: "title", type: "float32", shape: ["N", D] },
          { name: "image", type: "float32", shape: ["N", D] },
          { name: "has_image", type: "float32", shape: ["N", 1] },
        ],
        outputs: [
          { name: "vector", type: "float32", shape: ["N", D] },
          { name: "weights", type: "float32", shape: ["N", 2] },
        ],
      };
  }
}

interface ActualTensor {
  readonly type: string;
  readonly shape: readonly (number | string)[];
}

/** Problems with `bytes` (an ONNX model named `label`) against `expected`; [] when it fits. */
export function checkOnnxIo(
  label: string,
  bytes: Uint8Array,
  expected: { inputs: TensorSpec[]; outputs: TensorSpec[] },
): string[] {
  let graph;
  try {
    graph = onnx.ModelProto.decode(bytes).graph;
  } catch (err: unknown) {
    return [
      `${label} is not a valid ONNX model: ${
        err instanceof Error ? err.message : String(err)
      }`,
    ];
  }
  if (graph === null || graph === undefined) return [`${label} has no graph`];
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name));
  const inputs = readValues(
    (graph.input ?? []).filter((v) => !initializers.has(v.name)),
  );
  const outputs = readValues(graph.output ?? []);
  const problems = [
    ...compare(label, "input", inputs, expected.inputs),
    ...compare(label, "output", outputs, expected.outputs),
  ];
  const wanted = new Set(expected.inputs.map((t) => t.name));
  for (const name of inputs.keys()) {
    if (!wanted.has(name)) {
      problems.push(`${label} has unexpected input "${name}"`);
    }
  }
  return problems;
}

type ValueInfo = onnxProto.onnx.IValueInfoProto;

function readValues(values: readonly ValueInfo[]): Map<string, ActualTensor> {
  const out = new Map<string, ActualTensor>();
  for (const value of values) {
    const tensor = value.type?.tensorType;
    const dims = tensor?.shape?.dim ?? [];
    out.set(value.name ?? "", {
      type: ELEM_TYPES[tensor?.elemType ?? 0] ?? `type ${tensor?.elemType}`,
      shape: dims.map((d) =>
        d.dimParam ? d.dimParam : d.dimValue != null ? Number(d.dimValue) : "?"
      ),
    });
  }
  return out;
}

function compare(
  label: string,
  kind: "input" | "output",
  actual: Map<string, ActualTensor>,
  expected: readonly TensorSpec[],
): string[] {
  const problems: string[] = [];
  for (const spec of expected) {
    const found = actual.get(spec.name);
    if (found === undefined) {
      const names = [...actual.keys()].map((n) => `"${n}"`).join(", ");
      problems.push(
        `${label} has no ${kind} "${spec.name}" (has ${names || "none"})`,
      );
      continue;
    }
    const want = `${spec.type} [${spec.shape.join(", ")}]`;
    const got = `${found.type} [${found.shape.join(", ")}]`;
    const shapeOk = found.shape.length === spec.shape.length &&
      spec.shape.every((dim, i) =>
        dim === "N"
          ? typeof found.shape[i] === "string"
          : found.shape[i] === dim
      );
    if (found.type !== spec.type || !shapeOk) {
      problems.push(
        `${label} ${kind} "${spec.name}" is ${got}, expected ${want} (N dynamic)`,
      );
    }
  }
  return problems;
}
