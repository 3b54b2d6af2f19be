import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { run, startServer } from "../helpers/process.ts";
import { tempDir } from "../helpers/server.ts";

const ROOT = join(import.meta.dir, "../..");
const workDir = tempDir("youmeet-exe-");
const exe = join(workDir.path, "youmeet");

beforeAll(async () => {
  const build = await run([process.execPath, join(ROOT, "scripts/build-executable.ts"), exe], { cwd: ROOT });
  if (build.code !== 0) throw new Error(`build failed: ${build.stderr}`);
});
afterAll(() => workDir.remove());

describe("the built executable", () => {
  test("runs from another directory with its own data dir, serves pages and static files, exits 0 on SIGTERM", async () => {
    expect(existsSync(exe)).toBe(true);
    const elsewhere = join(workDir.path, "elsewhere");
    await run(["mkdir", "-p", elsewhere]);
    const server = await startServer([exe, "--data-dir", "./d", "--port", "0", "--log-format", "json"], { cwd: elsewhere });
    try {
      const health = await fetch(`${server.baseUrl}/healthz`);
      expect(health.status).toBe(200);
      const landing = await fetch(`${server.baseUrl}/`);
      expect(landing.status).toBe(200);
      expect(await landing.text()).toContain("youmeet");
      for (const asset of ["/static/style.css", "/static/vendor/htmx.min.js", "/static/app.js"]) {
        expect((await fetch(server.baseUrl + asset)).status).toBe(200);
      }
      expect(existsSync(join(elsewhere, "d", "youmeet.db"))).toBe(true);
    } finally {
      server.proc.kill("SIGTERM");
    }
    expect(await server.proc.exited).toBe(0);
  });

  test("--help and version work without a source tree", async () => {
    const help = await run([exe, "--help"], { cwd: workDir.path });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--data-dir");
    const bad = await run([exe, "--port", "abc"], { cwd: workDir.path });
    expect(bad.code).toBe(2);
  });
});
