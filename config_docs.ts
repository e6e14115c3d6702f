/**
 * The service's options as people read them: the README's configuration table and the
 * variable list of `deno task ingest --help`, both made from {@linkcode ENV_VARS}
 * (so from the declarations in `config.ts`).
 * @module
 */
import { ENV_VARS } from "./config.ts";

/** The header of the README's configuration table (its cells). */
export const TABLE_HEADER = ["variable", "default", "accepts", "meaning"];

/** The README's configuration table, one row of cells per variable. */
export function configTableRows(): string[][] {
  return ENV_VARS.map((v) => [`\`${v.name}\``, v.default, v.accepts, v.help]);
}

/** The README's configuration table as Markdown (`deno fmt` pads it). */
export function configTable(): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [
    line(TABLE_HEADER),
    line(TABLE_HEADER.map(() => "---")),
    ...configTableRows().map(line),
  ].join("\n");
}

/** One line per variable for `--help`: name, meaning, default and what it accepts. */
export function envHelp(): string {
  const width = Math.max(...ENV_VARS.map((v) => v.name.length));
  return ENV_VARS.map((v) =>
    `  ${v.name.padEnd(width)}  ${v.help} (default: ${v.default}; ${v.accepts})`
      .replaceAll("`", "")
  ).join("\n");
}
