/**
 * What every task does with its command line: `--help` (or `-h`) prints the usage on
 * stdout and exits 0; an unknown option or a malformed one prints one line on stderr and
 * exits 2. Tasks call {@linkcode cliArgs} around their own `parseArgs`.
 * @module
 */

import { parseArgs, type ParseArgsConfig } from "node:util";

const encoder = new TextEncoder();

/**
 * `node:util` parseArgs with the task conventions of {@linkcode cliArgs}: `--help`
 * prints `usage` and exits 0, an argument error prints one line and exits 2.
 */
export function parseCli<T extends ParseArgsConfig>(
  usage: string,
  config: T,
): ReturnType<typeof parseArgs<T>> {
  return cliArgs(usage, () => parseArgs(config), config.args ?? Deno.args);
}

/** Why a command line cannot run; the task prints its message as one line and exits 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/**
 * Handles `--help` and argument errors, else returns what `parse` returns.
 * @throws whatever `parse` throws that is not an argument error
 */
export function cliArgs<T>(
  usage: string,
  parse: () => T,
  args: readonly string[] = Deno.args,
): T {
  const end = args.indexOf("--");
  const options = end < 0 ? args : args.slice(0, end);
  if (options.includes("--help") || options.includes("-h")) {
    Deno.stdout.writeSync(encoder.encode(`${usage.trimEnd()}\n`));
    Deno.exit(0);
  }
  try {
    return parse();
  } catch (err: unknown) {
    if (!isArgumentError(err)) throw err;
    usageError(
      (err.message.split("\n")[0] ?? "").replace(
        /\.? To specify a positional argument.*$/,
        "",
      ),
    );
  }
}

/** Prints `message` as one line on stderr and exits 2. */
export function usageError(message: string): never {
  Deno.stderr.writeSync(encoder.encode(`Error: ${message} (see --help)\n`));
  Deno.exit(2);
}

/** node:util parseArgs errors (ERR_PARSE_ARGS_*) and {@linkcode UsageError}. */
function isArgumentError(err: unknown): err is Error {
  if (err instanceof UsageError) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return err instanceof TypeError && typeof code === "string" &&
    code.startsWith("ERR_PARSE_ARGS");
}
