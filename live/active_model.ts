/**
 * Which model bundle the service runs. A live model upgrade records the new bundle in
 * `<dataDir>/active-model.json` (written to a temp file, fsynced, renamed), so a restart
 * keeps the upgraded model and finds its snapshots. The record names the `MODEL_DIR` it
 * replaced: once an operator configures a different `MODEL_DIR`, the configuration wins
 * again.
 * @module
 */
import { join } from "node:path";
import type { Logger } from "../log.ts";

/** The persisted choice. */
export interface ActiveModel {
  /** Bundle folder installed by the upgrade. */
  readonly modelDir: string;
  /** Its manifest version. */
  readonly version: string;
  /** `MODEL_DIR` configured when the upgrade happened. */
  readonly configuredModelDir: string;
  readonly installedAtMs: number;
}

const FILE = "active-model.json";

/** The bundle folder to load: the upgraded one while `MODEL_DIR` is unchanged. */
export async function resolveModelDir(
  dataDir: string,
  configured: string,
  log: Logger,
): Promise<string> {
  let text: string;
  try {
    text = await Deno.readTextFile(join(dataDir, FILE));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return configured;
    throw err;
  }
  let active: ActiveModel;
  try {
    active = JSON.parse(text) as ActiveModel;
  } catch (err) {
    log.warn("active_model_unreadable", { error: err, using: configured });
    return configured;
  }
  if (
    typeof active.modelDir !== "string" ||
    active.configuredModelDir !== configured
  ) {
    log.info("active_model_ignored", {
      recorded: active,
      configured,
      why: "MODEL_DIR changed since the live upgrade",
    });
    return configured;
  }
  log.info("active_model_used", { ...active });
  return active.modelDir;
}

/** Records the bundle a live upgrade installed. */
export async function saveActiveModel(
  dataDir: string,
  model: ActiveModel,
): Promise<void> {
  const path = join(dataDir, FILE);
  const temp = `${path}.tmp`;
  await Deno.writeTextFile(temp, JSON.stringify(model, null, 2) + "\n");
  const file = await Deno.open(temp, { read: true, write: true });
  try {
    await file.sync();
  } finally {
    file.close();
  }
  await Deno.rename(temp, path);
}
