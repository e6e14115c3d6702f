/**
 * InfoNCE (temperature-scaled softmax cross-entropy over cosine similarities) with
 * masked candidates, and its gradients.
 * @module
 */

/** Input of {@linkcode infoNce}. */
export interface InfoNceInput {
  /** [A, D] L2-normalised anchors (queries). */
  readonly anchors: Float32Array;
  /** [M, D] L2-normalised candidates (in-batch items, then memory-bank items). */
  readonly candidates: Float32Array;
  readonly dims: number;
  /** Per anchor: index of its positive candidate, or -1 to skip the anchor. */
  readonly positives: Int32Array;
  /** [A, M]: 1 = leave this candidate out of the anchor's softmax (never the positive). */
  readonly mask: Uint8Array;
  /** log of the inverse temperature. */
  readonly logitScale: number;
  /** Candidates 0..trainable-1 get gradients (the memory bank does not). */
  readonly trainable: number;
}

/** Loss (mean over used anchors) and gradients. */
export interface InfoNceResult {
  readonly loss: number;
  readonly used: number;
  readonly dAnchors: Float32Array;
  readonly dCandidates: Float32Array;
  readonly dLogitScale: number;
}

/** Mean InfoNCE over anchors with a positive; gradients w.r.t. anchors, candidates, scale. */
export function infoNce(input: InfoNceInput): InfoNceResult {
  const { anchors, candidates, dims: d, positives, mask, trainable } = input;
  const a = positives.length;
  const m = candidates.length / d;
  const scale = Math.exp(input.logitScale);
  const used = positives.reduce((s, p) => s + (p >= 0 ? 1 : 0), 0);
  const dAnchors = new Float32Array(a * d);
  const dCandidates = new Float32Array(trainable * d);
  if (used === 0) {
    return { loss: 0, used, dAnchors, dCandidates, dLogitScale: 0 };
  }
  const logits = new Float64Array(m);
  let loss = 0;
  let dScale = 0;
  for (let i = 0; i < a; i++) {
    const pos = positives[i] ?? -1;
    if (pos < 0) continue;
    let max = -Infinity;
    for (let b = 0; b < m; b++) {
      if (b !== pos && mask[i * m + b] === 1) continue;
      let dot = 0;
      for (let j = 0; j < d; j++) {
        dot += (anchors[i * d + j] ?? 0) * (candidates[b * d + j] ?? 0);
      }
      const z = dot * scale;
      logits[b] = z;
      if (z > max) max = z;
    }
    let sum = 0;
    for (let b = 0; b < m; b++) {
      if (b !== pos && mask[i * m + b] === 1) continue;
      sum += Math.exp((logits[b] ?? 0) - max);
    }
    const lse = max + Math.log(sum);
    loss += lse - (logits[pos] ?? 0);
    for (let b = 0; b < m; b++) {
      if (b !== pos && mask[i * m + b] === 1) continue;
      const prob = Math.exp((logits[b] ?? 0) - lse);
      const g = (prob - (b === pos ? 1 : 0)) / used;
      if (g === 0) continue;
      dScale += g * (logits[b] ?? 0);
      const gs = g * scale;
      for (let j = 0; j < d; j++) {
        dAnchors[i * d + j] = (dAnchors[i * d + j] ?? 0) +
          gs * (candidates[b * d + j] ?? 0);
      }
      if (b < trainable) {
        for (let j = 0; j < d; j++) {
          dCandidates[b * d + j] = (dCandidates[b * d + j] ?? 0) +
            gs * (anchors[i * d + j] ?? 0);
        }
      }
    }
  }
  return {
    loss: loss / used,
    used,
    dAnchors,
    dCandidates,
    dLogitScale: dScale,
  };
}
