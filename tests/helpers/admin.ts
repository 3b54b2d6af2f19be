import { expect } from "bun:test";
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { snapshot as snapshotOf } from "./account-data.ts";
import { run } from "./process.ts";

const MAIN = join(import.meta.dir, "../../src/main.ts");

/** Runs `youmeet admin WORDS --data-dir DIR` as a real process; exit code and output. */
export function admin(dataDir: string, ...words: string[]) {
  return run([process.execPath, MAIN, "admin", ...words, "--data-dir", dataDir, "--log-format", "json"]);
}

/** Runs `youmeet migrate` so the data dir has a database for admin commands. */
export async function migratedDataDir(dataDir: string): Promise<void> {
  const { code, stderr } = await run([process.execPath, MAIN, "migrate", "--data-dir", dataDir, "--log-format", "json"]);
  if (code !== 0) throw new Error(`migrate failed: ${stderr}`);
}

/** Checks a refused command: its exit code, one line on stderr starting with `message`, nothing on stdout. */
export function expectRefusal(answer: { code: number; stdout: string; stderr: string }, code: number, message: string): void {
  expect(answer.code).toBe(code);
  expect(answer.stderr.trim().split("\n")).toHaveLength(1);
  expect(answer.stderr).toStartWith(message);
  expect(answer.stdout).toBe("");
}

/** Every row of every table in the data dir's database, to prove a refused command changed nothing. */
export function snapshot(dataDir: string): string {
  const db = new Database(join(dataDir, "youmeet.db"), { readonly: true });
  try {
    return JSON.stringify(snapshotOf(db));
  } finally {
    db.close();
  }
}
