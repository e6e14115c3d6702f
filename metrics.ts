/**
 * A small metrics registry: counters, gauges and histograms with labels, rendered in the
 * Prometheus text exposition format. Every stage gets the same registry.
 * @module
 */

/** Label set of one series. */
export type Labels = Readonly<Record<string, string>>;

/** A monotonically increasing count. */
export interface Counter {
  /** Adds `by` (default 1) to the series of `labels`. */
  inc(labels?: Labels, by?: number): void;
  /** Current value of the series of `labels` (0 when unseen). */
  get(labels?: Labels): number;
  /** Every series as `{ [value of label]: count }` (a series without it is under ""). */
  byLabel(label: string): Record<string, number>;
}

/** A value that goes up and down. */
export interface Gauge {
  /** Sets the series of `labels` to `value`. */
  set(value: number, labels?: Labels): void;
  /** Current value of the series of `labels` (0 when unseen). */
  get(labels?: Labels): number;
}

/** Observations bucketed by upper bound; also keeps sum and count. */
export interface Histogram {
  /** Records one observation. */
  observe(value: number, labels?: Labels): void;
  /** Approximate quantile (0..1) from the buckets, or NaN without observations. */
  quantile(q: number, labels?: Labels): number;
  /** Observations recorded so far. */
  count(labels?: Labels): number;
}

type Kind = "counter" | "gauge" | "histogram";

interface HistState {
  buckets: number[];
  sum: number;
  count: number;
}

interface Family {
  kind: Kind;
  help: string;
  values: Map<string, number>;
  hists: Map<string, HistState>;
  bounds: readonly number[];
}

/** Default histogram bounds, in milliseconds. */
export const LATENCY_MS_BUCKETS: readonly number[] = [
  0.5,
  1,
  2,
  5,
  10,
  25,
  50,
  100,
  250,
  500,
  1000,
  2500,
  5000,
  10000,
];

/** Holds metric families by name. */
export class Metrics {
  #families = new Map<string, Family>();
  #collectors: Array<() => void> = [];

  /** Runs `collect` before every {@linkcode render}, to refresh gauges read from elsewhere. */
  onCollect(collect: () => void): void {
    this.#collectors.push(collect);
  }

  /** A counter named `name` (created on first use). */
  counter(name: string, help: string): Counter {
    const f = this.#family(name, "counter", help);
    return {
      inc: (labels = {}, by = 1) => {
        if (by < 0) {
          throw new RangeError(`Cannot decrease counter "${name}": got ${by}`);
        }
        const k = labelKey(labels);
        f.values.set(k, (f.values.get(k) ?? 0) + by);
      },
      get: (labels = {}) => f.values.get(labelKey(labels)) ?? 0,
      byLabel: (label) =>
        Object.fromEntries(
          [...f.values].map(([k, v]) => [parseKey(k)[label] ?? "", v]),
        ),
    };
  }

  /** A gauge named `name` (created on first use). */
  gauge(name: string, help: string): Gauge {
    const f = this.#family(name, "gauge", help);
    return {
      set: (value, labels = {}) => void f.values.set(labelKey(labels), value),
      get: (labels = {}) => f.values.get(labelKey(labels)) ?? 0,
    };
  }

  /** A histogram named `name` with the given upper bounds (created on first use). */
  histogram(
    name: string,
    help: string,
    bounds: readonly number[] = LATENCY_MS_BUCKETS,
  ): Histogram {
    const f = this.#family(name, "histogram", help, bounds);
    const state = (labels: Labels): HistState => {
      const k = labelKey(labels);
      let s = f.hists.get(k);
      if (!s) {
        s = { buckets: new Array(f.bounds.length).fill(0), sum: 0, count: 0 };
        f.hists.set(k, s);
      }
      return s;
    };
    return {
      observe: (value, labels = {}) => {
        const s = state(labels);
        s.sum += value;
        s.count++;
        const i = f.bounds.findIndex((b) => value <= b);
        if (i >= 0) s.buckets[i] = (s.buckets[i] ?? 0) + 1;
      },
      count: (labels = {}) => f.hists.get(labelKey(labels))?.count ?? 0,
      quantile: (q, labels = {}) => {
        const s = f.hists.get(labelKey(labels));
        if (!s || s.count === 0) return NaN;
        const target = q * s.count;
        let seen = 0;
        for (let i = 0; i < f.bounds.length; i++) {
          seen += s.buckets[i] ?? 0;
          if (seen >= target) return f.bounds[i] ?? Infinity;
        }
        return Infinity;
      },
    };
  }

  /** All series of a family as `[labels, value]`, for /stats. */
  series(name: string): Array<[Labels, number]> {
    const f = this.#families.get(name);
    if (!f) return [];
    return [...f.values].map(([k, v]) => [parseKey(k), v]);
  }

  /** Prometheus text exposition format, version 0.0.4. */
  render(): string {
    for (const collect of this.#collectors) collect();
    const out: string[] = [];
    for (const [name, f] of this.#families) {
      out.push(
        `# HELP ${name} ${f.help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}`,
      );
      out.push(`# TYPE ${name} ${f.kind}`);
      for (const [k, v] of f.values) out.push(`${name}${k} ${formatNumber(v)}`);
      for (const [k, s] of f.hists) {
        const labels = parseKey(k);
        let cumulative = 0;
        f.bounds.forEach((b, i) => {
          cumulative += s.buckets[i] ?? 0;
          out.push(
            `${name}_bucket${
              labelKey({ ...labels, le: String(b) })
            } ${cumulative}`,
          );
        });
        out.push(
          `${name}_bucket${labelKey({ ...labels, le: "+Inf" })} ${s.count}`,
        );
        out.push(`${name}_sum${k} ${formatNumber(s.sum)}`);
        out.push(`${name}_count${k} ${s.count}`);
      }
    }
    return out.join("\n") + "\n";
  }

  #family(
    name: string,
    kind: Kind,
    help: string,
    bounds: readonly number[] = [],
  ): Family {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) {
      throw new TypeError(`Cannot register metric "${name}": invalid name`);
    }
    const existing = this.#families.get(name);
    if (existing) {
      if (existing.kind !== kind) {
        throw new TypeError(
          `Cannot register metric "${name}" as ${kind}: already a ${existing.kind}`,
        );
      }
      return existing;
    }
    const f: Family = {
      kind,
      help,
      values: new Map(),
      hists: new Map(),
      bounds,
    };
    this.#families.set(name, f);
    return f;
  }
}

function labelKey(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return "";
  const parts = keys.map((k) => `${k}="${escapeLabel(labels[k] ?? "")}"`);
  return `{${parts.join(",")}}`;
}

function parseKey(key: string): Labels {
  const out: Record<string, string> = {};
  for (
    const m of key.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)
  ) {
    out[m[1] ?? ""] = (m[2] ?? "").replace(/\\n/g, "\n").replace(
      /\\(.)/g,
      "$1",
    );
  }
  return out;
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function formatNumber(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}
