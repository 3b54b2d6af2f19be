import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { envName, FLAG_KEYS, FLAGS, flagName } from "../../src/config/flags.ts";

const README = readFileSync(join(import.meta.dir, "../../README.md"), "utf8");

/** The README's option table rows: flag, environment variable, default, by flag name. */
function readmeFlagRows(): Map<string, { env: string; defaultText: string }> {
  const rows = new Map<string, { env: string; defaultText: string }>();
  for (const line of README.split("\n")) {
    const cells = /^\| `(--[a-z-]+)[^`]*` \| `(YOUMEET_[A-Z_]+)` \| ([^|]+) \|/.exec(line);
    if (cells) rows.set(cells[1]!, { env: cells[2]!, defaultText: cells[3]!.trim().replaceAll("`", "") });
  }
  return rows;
}

describe("README", () => {
  test("documents every option --help lists, with its variable and default, and no option that does not exist", () => {
    const rows = readmeFlagRows();
    expect([...rows.keys()].sort()).toEqual(FLAG_KEYS.map(flagName).sort());
    for (const key of FLAG_KEYS) {
      const row = rows.get(flagName(key))!;
      expect(row.env).toBe(envName(key));
      expect(row.defaultText).toBe(FLAGS[key].defaultText);
    }
  });

  test("starts with the two commands a new user runs", () => {
    const blocks = [...README.matchAll(/```sh\n([^`]+)```/g)].slice(0, 2).map((m) => m[1]!.trim());
    expect(blocks).toEqual(["npm install && npm start", "npm install && npm test"]);
  });
});
