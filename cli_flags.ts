/**
 * Programs' command-line flags mapped onto declared options (`config.ts`,
 * `config_options.ts`): a flag takes its parser, limits, doc line and default from its
 * option, so `--port` of the read replica is checked like `PORT` of the service. The
 * usage text comes from the same flags. Every problem is reported at once, in one line
 * on stderr (exit 2), as {@linkcode cliArgs} does for the other tasks.
 * @module
 */
import { parseArgs } from "node:util";
import { cliArgs, usageError } from "./cli.ts";
import { type Option, readOption, shownDefault } from "./config_options.ts";

/** One flag of a program: `--NAME ARG`, setting `option`. */
export interface Flag<T> {
  /** The declared option the flag sets. */
  readonly option: Option<T>;
  /** Placeholder of its value in the usage ("DIR", "N", "URL"); none for a switch. */
  readonly arg?: string;
  /** A switch: `--NAME` alone sets the (boolean) option to true. @default false */
  readonly switch?: boolean;
  /** The program's own default, when it differs from the option's. */
  readonly default?: T;
  /** The program does not start without it. @default false */
  readonly required?: boolean;
  /** Read the option's environment variable when the flag is absent. @default false */
  readonly fromEnv?: boolean;
  /** The flag may be given several times; each value is parsed. @default false */
  readonly multiple?: boolean;
}

/** A program's flags by name (without the leading `--`). */
export type Flags = { readonly [name: string]: Flag<unknown> };

/** What {@linkcode parseFlags} resolves each flag to: a list for `multiple` flags. */
export type FlagValues<F extends Flags> = {
  readonly [K in keyof F]: F[K] extends Flag<infer T>
    ? F[K] extends { readonly multiple: true } ? readonly T[] : T
    : never;
};

/** A program: its task, what it does, and its flags. */
export interface Program<F extends Flags> {
  /** `deno task NAME`. */
  readonly task: string;
  /** One or two lines after the usage line. */
  readonly about: string;
  /** Its flags by name. */
  readonly flags: F;
  /** Operands after the flags, for the usage ("FILE"); none are taken without it. */
  readonly operands?: string;
}

/** The `--help` text of `program`: the usage line, what it does, one line per flag. */
export function flagsUsage<F extends Flags>(program: Program<F>): string {
  const entries = Object.entries(program.flags);
  const heads = entries.map(([name, f]) =>
    f.arg === undefined ? `--${name}` : `--${name} ${f.arg}`
  );
  const synopsis = [
    ...(program.operands ? [program.operands] : []),
    ...entries.map(([, f], i) => f.required ? heads[i] : `[${heads[i]}]`),
  ];
  const width = Math.max(...heads.map((h) => h.length));
  const lines = entries.map(([, f], i) => {
    const facts = f.required
      ? ["required"]
      : f.switch
      ? []
      : [`default: ${flagDefault(f) || "none"}`];
    if (f.option.accepts !== "text" && !f.switch) {
      facts.push(f.option.accepts);
    }
    if (f.fromEnv && f.option.env) facts.push(`or $${f.option.env}`);
    if (f.multiple) facts.push("repeatable");
    const tail = facts.length > 0 ? ` (${facts.join("; ")})` : "";
    return `  ${heads[i]!.padEnd(width)}  ${f.option.doc}${tail}`
      .replaceAll("`", "");
  });
  return [
    `Usage: deno task ${program.task} ${synopsis.join(" ")}`,
    program.about,
    "",
    "Options:",
    ...lines,
    `  ${"-h, --help".padEnd(width)}  this text`,
  ].join("\n");
}

/**
 * The values of `program`'s flags from `args`: `--help` prints the usage and exits 0;
 * an unknown flag, an operand (unless the program takes some), a bad value or a
 * missing required flag prints one line naming every problem and exits 2.
 */
export function parseFlags<F extends Flags>(
  program: Program<F>,
  args: readonly string[] = Deno.args,
): FlagValues<F> {
  return parseCommand(program, args).flags;
}

/**
 * {@linkcode parseFlags} for a program that takes operands too; `check` adds
 * problems about them, reported in the same line.
 */
export function parseCommand<F extends Flags>(
  program: Program<F>,
  args: readonly string[] = Deno.args,
  check: (flags: FlagValues<F>, operands: readonly string[]) => string[] =
    () => [],
): { flags: FlagValues<F>; operands: readonly string[] } {
  const usage = flagsUsage(program);
  const options = Object.fromEntries(
    Object.entries(program.flags).map(([name, f]) => [
      name,
      f.switch
        ? { type: "boolean" as const }
        : { type: "string" as const, multiple: f.multiple ?? false },
    ]),
  );
  const { values, positionals } = cliArgs<
    { values: Record<string, Given>; positionals: string[] }
  >(
    usage,
    () =>
      parseArgs({
        args: [...args],
        options: { ...options, help: { type: "boolean", short: "h" } },
        strict: true,
        allowPositionals: program.operands !== undefined,
      }),
    args,
  );
  const { values: flags, problems } = resolveFlags(
    program.flags,
    values,
    (name) => Deno.env.get(name),
  );
  problems.push(...check(flags, positionals));
  if (problems.length > 0) usageError(problems.join("; "));
  return { flags, operands: positionals };
}

/**
 * The values of `flags` from what node:util parseArgs gave (`given`) and, for
 * `fromEnv` flags that are absent, `env`; a bad value or a missing required flag is a
 * problem (and the flag keeps its default).
 */
export function resolveFlags<F extends Flags>(
  flags: F,
  given: Readonly<Record<string, Given>>,
  env: (name: string) => string | undefined,
): { values: FlagValues<F>; problems: string[] } {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(flags)) {
    out[name] = readFlag(name, f, given[name], env, problems);
  }
  return { values: out as FlagValues<F>, problems };
}

/** What node:util parseArgs gives for one flag. */
export type Given = string | boolean | (string | boolean)[] | undefined;

function readFlag(
  name: string,
  f: Flag<unknown>,
  given: Given,
  getEnv: (name: string) => string | undefined,
  problems: string[],
): unknown {
  const fallback = flagDefaults({ [name]: f })[name];
  const env = f.fromEnv && f.option.env ? f.option.env : undefined;
  if (f.multiple) {
    const texts = (Array.isArray(given) ? given : []).map(String);
    if (f.required && texts.length === 0) {
      problems.push(`--${name} ${f.arg} is required (at least one)`);
    }
    return texts.map((t) => readOption(f.option, `--${name}`, t, problems));
  }
  if (f.switch) return given === true ? true : fallback;
  const flagText = typeof given === "string" ? given : undefined;
  const envText = flagText === undefined && env ? getEnv(env) : undefined;
  const text = flagText ?? envText;
  if (f.required && (text ?? "").trim() === "") {
    problems.push(
      `--${name} ${f.arg} is required` + (env ? ` (or set ${env})` : ""),
    );
  }
  const label = flagText === undefined && envText !== undefined
    ? env!
    : `--${name}`;
  return readOption(f.option, label, text, problems, fallback);
}

function flagDefault(f: Flag<unknown>): string {
  if (!("default" in f)) return shownDefault(f.option);
  return shownDefault({
    ...f.option,
    default: f.default,
    shownDefault: undefined,
  });
}

/** What each flag of `flags` is when it is not given (a `multiple` flag: none). */
export function flagDefaults<F extends Flags>(flags: F): FlagValues<F> {
  return Object.fromEntries(
    Object.entries(flags).map(([name, f]) => [
      name,
      f.multiple ? [] : "default" in f ? f.default : f.option.default,
    ]),
  ) as FlagValues<F>;
}
