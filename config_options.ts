/**
 * Declared options: one value per option with its environment variable, default,
 * limits and doc line, and the parser those imply. `config.ts` declares the service's
 * options with these; `cli_flags.ts` maps programs' flags onto them. Parsing collects
 * problems instead of throwing, so a caller can report every problem at once.
 * @module
 */

/** A parsed value, or why the text is not one (sentences without the option's name). */
export type Parsed<T> =
  | { readonly value: T }
  | { readonly problems: readonly string[] };

/** What every option constructor takes. */
export interface OptionInit<T> {
  /** Environment variable; absent for a program's flag-only option. */
  readonly env?: string;
  /** One line: what the option means (may hold `code` in backticks). */
  readonly doc: string;
  /** Value when it is unset or empty. */
  readonly default: T;
  /** The default as documented when the value says too little, e.g. "(embedded broker)". */
  readonly shownDefault?: string;
}

/** One option: where it is read from, what it accepts, what it means. */
export interface Option<T> extends OptionInit<T> {
  /** What it accepts, for docs: "1–65535", "auto, webgpu", "host:port,…", "text". */
  readonly accepts: string;
  /** Logged as "***" when set. */
  readonly secret?: boolean;
  /** Parses trimmed, non-empty text. */
  parse(text: string): Parsed<T>;
}

/** An integer within `min..max` (inclusive). */
export function integer(
  o: OptionInit<number> & { readonly min: number; readonly max: number },
): Option<number> & { readonly min: number; readonly max: number } {
  return {
    ...o,
    accepts: `${o.min}–${o.max}`,
    parse(text) {
      const v = Number(text);
      if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(v)) {
        return { problems: [`must be an integer: got "${text}"`] };
      }
      if (v < o.min || v > o.max) {
        return {
          problems: [`must be between ${o.min} and ${o.max}: got ${v}`],
        };
      }
      return { value: v };
    },
  };
}

/** A number above 0 and at most `max`; fractions allowed. */
export function positive(
  o: OptionInit<number> & { readonly max: number },
): Option<number> {
  return {
    ...o,
    accepts: `above 0, at most ${o.max}`,
    parse(text) {
      const v = Number(text);
      if (!/^\d*\.?\d+(e[+-]?\d+)?$/i.test(text) || !(v > 0 && v <= o.max)) {
        return {
          problems: [
            `must be a number above 0 and at most ${o.max}: got "${text}"`,
          ],
        };
      }
      return { value: v };
    },
  };
}

const TRUE = ["1", "true", "yes", "on"];
const FALSE = ["0", "false", "no", "off"];

/** true (1, yes, on) or false (0, no, off), any case. */
export function boolean(o: OptionInit<boolean>): Option<boolean> {
  return {
    ...o,
    accepts: "true, false",
    parse(text) {
      const t = text.toLowerCase();
      if (TRUE.includes(t)) return { value: true };
      if (FALSE.includes(t)) return { value: false };
      return { problems: [`must be true or false: got "${t}"`] };
    },
  };
}

/** Free text, or text matching `pattern` (described by `shape` in the problem). */
export function text(
  o: OptionInit<string> & {
    readonly pattern?: RegExp;
    readonly shape?: string;
    readonly accepts?: string;
    readonly secret?: boolean;
    readonly minLength?: number;
  },
): Option<string> {
  const { pattern, shape, minLength, ...rest } = o;
  return {
    accepts: pattern ? (shape ?? String(pattern)) : "text",
    ...rest,
    parse(t) {
      if (pattern && !pattern.test(t)) {
        return {
          problems: [`must be ${shape ?? `like ${pattern}`}: got "${t}"`],
        };
      }
      if (minLength !== undefined && t.length < minLength) {
        return {
          problems: [`must be at least ${minLength} characters when set`],
        };
      }
      return { value: t };
    },
  };
}

/** One of `choices`. */
export function choice<const C extends string>(
  o: OptionInit<NoInfer<C>> & { readonly choices: readonly C[] },
): Option<C> {
  const { choices, ...rest } = o;
  return {
    ...rest,
    accepts: choices.join(", "),
    parse(t) {
      if ((choices as readonly string[]).includes(t)) return { value: t as C };
      return {
        problems: [`must be one of ${choices.join(", ")}: got "${t}"`],
      };
    },
  };
}

/** A comma-separated `host:port` list; one problem per bad entry. */
export function hostPorts(
  o: OptionInit<readonly string[]>,
): Option<readonly string[]> {
  return {
    ...o,
    accepts: "host:port,…",
    parse(t) {
      const items = t.split(",").map((s) => s.trim()).filter((s) => s !== "");
      const problems = items.filter((i) => !/^[^\s:]+:\d{1,5}$/.test(i)).map(
        (i) => `entries must be host:port: got "${i}"`,
      );
      return problems.length > 0 ? { problems } : { value: items };
    },
  };
}

/** The default of `option` as documented. */
export function shownDefault(option: Option<unknown>): string {
  if (option.shownDefault !== undefined) return option.shownDefault;
  const d = option.default;
  return Array.isArray(d) ? d.join(",") : String(d);
}

/**
 * The value of `option` from `raw` (trimmed; empty means unset, so the default):
 * on a bad value, its problems go to `problems`, prefixed with `label`, and the
 * default comes back.
 */
export function readOption<T>(
  option: Option<T>,
  label: string,
  raw: string | undefined,
  problems: string[],
  fallback: T = option.default,
): T {
  const t = raw?.trim();
  if (t === undefined || t === "") return fallback;
  const parsed = option.parse(t);
  if ("value" in parsed) return parsed.value;
  problems.push(...parsed.problems.map((p) => `${label} ${p}`));
  return fallback;
}

/** A tree of options: sections of options and further sections. */
export interface Declarations {
  /** An option, or a section of further declarations. */
  readonly [key: string]: Option<unknown> | Declarations;
}

/** The values a tree of declarations resolves to, section by section, readonly. */
export type ValuesOf<D> = {
  readonly [K in keyof D]: D[K] extends Option<infer T> ? T : ValuesOf<D[K]>;
};

/** Whether a node of a {@linkcode Declarations} tree is an option. */
export function isOption(
  node: Option<unknown> | Declarations,
): node is Option<unknown> {
  return typeof node.parse === "function";
}

/** Every option of a tree with its path (`["kafka", "topic"]`), in declaration order. */
export function leaves(
  tree: Declarations,
  path: readonly string[] = [],
): { readonly path: readonly string[]; readonly option: Option<unknown> }[] {
  return Object.entries(tree).flatMap(([key, node]) =>
    isOption(node)
      ? [{ path: [...path, key], option: node }]
      : leaves(node, [...path, key])
  );
}

/**
 * Builds the values of `tree`, section by section, from `leaf` for each option (given
 * its path).
 */
export function mapTree<D extends Declarations>(
  tree: D,
  leaf: (option: Option<unknown>, path: readonly string[]) => unknown,
  path: readonly string[] = [],
): ValuesOf<D> {
  const out: Record<string, unknown> = {};
  for (const [key, node] of Object.entries(tree)) {
    out[key] = isOption(node)
      ? leaf(node, [...path, key])
      : mapTree(node, leaf, [...path, key]);
  }
  return out as ValuesOf<D>;
}
