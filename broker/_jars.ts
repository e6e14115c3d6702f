/**
 * The Apache Kafka jars the embedded broker runs on: fetched from Maven Central with
 * `mvn dependency:copy-dependencies` (committed `pom.xml`) into an ignored cache dir,
 * only when they are missing.
 * @module
 */
import { SourceError } from "../errors.ts";
import type { Logger } from "../log.ts";

/** Written after a successful fetch, so an interrupted copy is redone. */
const MARKER = ".fetched-kafka-3.9.1";

/** Repository root (where `pom.xml` lives). */
export const REPO_ROOT: string = new URL("../", import.meta.url).pathname;

/** Default jar cache dir, `<repo>/.kafka/jars`. */
export const DEFAULT_JARS_DIR = `${REPO_ROOT}.kafka/jars`;

/** Options of {@linkcode ensureKafkaJars}. */
export interface EnsureJarsOptions {
  readonly jarsDir: string;
  readonly log: Logger;
  readonly signal?: AbortSignal;
}

/**
 * Makes sure `jarsDir` holds the broker's jars, running Maven if not.
 * @throws {SourceError} when Maven fails or is not installed
 */
export async function ensureKafkaJars(
  options: EnsureJarsOptions,
): Promise<void> {
  const { jarsDir, log, signal } = options;
  if (await exists(`${jarsDir}/${MARKER}`)) return;
  const started = performance.now();
  log.info("kafka_jars_fetch", { jarsDir });
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command("mvn", {
      args: [
        "-q",
        "-B",
        "-f",
        `${REPO_ROOT}pom.xml`,
        "dependency:copy-dependencies",
        "-DincludeScope=runtime",
        `-DoutputDirectory=${jarsDir}`,
      ],
      stdout: "piped",
      stderr: "piped",
      signal,
    }).output();
  } catch (err) {
    throw new SourceError(`Cannot fetch Kafka jars: running "mvn" failed`, {
      cause: err,
    });
  }
  if (!output.success) {
    const text = new TextDecoder().decode(output.stdout) +
      new TextDecoder().decode(output.stderr);
    throw new SourceError(
      `Cannot fetch Kafka jars into "${jarsDir}": mvn exited with ${output.code}: ${
        text.slice(-2000)
      }`,
    );
  }
  await Deno.writeTextFile(`${jarsDir}/${MARKER}`, new Date().toISOString());
  log.info("kafka_jars_ready", {
    jarsDir,
    durationMs: Math.round(performance.now() - started),
  });
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}
