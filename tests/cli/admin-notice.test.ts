import { afterEach, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { admin, expectRefusal, migratedDataDir } from "../helpers/admin.ts";
import { startServer, type RunningServer } from "../helpers/process.ts";
import { scratchDirs } from "../helpers/server.ts";

/** Each test runs several real processes; a loaded machine must not fail it (bunfig's timeout is not read by every Bun). */
const PROCESSES = 90_000;
const BANNER = /<div class="notice-banner" role="status">.*?<span dir="auto">(.*?)<\/span><\/div>/;

const scratch = scratchDirs();
let server: RunningServer | null = null;
afterEach(() => {
  server?.proc.kill("SIGKILL");
  server = null;
  scratch.removeAll();
});

function storedNotice(dir: string) {
  const db = new Database(join(dir, "youmeet.db"), { readonly: true });
  const row = db.query("SELECT text, until_at, set_at FROM service_notice").all();
  db.close();
  return row;
}

/** The banner text of `path`, polled until `wanted` says yes: the server rereads the notice every few seconds. */
async function bannerUntil(path: string, wanted: (banner: string | null) => boolean): Promise<string | null> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const page = await (await fetch(server!.baseUrl + path)).text();
    const banner = page.match(BANNER)?.[1] ?? null;
    if (wanted(banner) || Date.now() > deadline) return banner;
    await Bun.sleep(250);
  }
}

describe("youmeet admin notice", () => {
  test("a notice set by the CLI appears on the running server's pages within seconds, and goes after clear", async () => {
    const dir = scratch.make();
    server = await startServer([process.execPath, join(import.meta.dir, "../../src/main.ts"), "--data-dir", dir, "--port", "0", "--log-format", "json"]);
    expect(await bannerUntil("/", (b) => b === null)).toBeNull();

    const set = await admin(dir, "notice", "set", "Плановые работы <в 22:00> & недолго", "--until", "2099-01-01");
    expect(set.code).toBe(0);
    expect(set.stdout).toContain("Notice set; it shows on every page until 2099-01-01 00:00 UTC.");
    const shown = "Плановые работы &lt;в 22:00&gt; &amp; недолго";
    expect(await bannerUntil("/", (b) => b !== null)).toBe(shown);
    for (const path of ["/privacy", "/login", "/feedback", "/no/such/page"]) expect(await bannerUntil(path, () => true)).toBe(shown);

    const current = await admin(dir, "notice");
    expect(current.code).toBe(0);
    expect(current.stdout).toContain("text:    Плановые работы <в 22:00> & недолго\n");
    expect(current.stdout).toContain("until:   2099-01-01 00:00 UTC\n");
    expect(current.stdout).toContain("showing: yes\n");
    expect(JSON.parse((await admin(dir, "notice", "show", "--json")).stdout)).toMatchObject({ until: "2099-01-01T00:00:00.000Z", showing: true });

    const cleared = await admin(dir, "notice", "clear");
    expect(cleared.code).toBe(0);
    expect(cleared.stdout).toContain("Notice cleared.");
    expect(await bannerUntil("/", (b) => b === null)).toBeNull();
    expect(storedNotice(dir)).toEqual([]);
  }, PROCESSES);

  test("unquoted words are joined; a new notice replaces the old; clear with none set says so", async () => {
    const dir = scratch.make();
    await migratedDataDir(dir);
    expect((await admin(dir, "notice", "set", "first")).code).toBe(0);
    expect((await admin(dir, "notice", "set", "Maintenance", "tonight,", "--until", "2099-06-01T18:30+02:00", "back", "soon")).code).toBe(0);
    expect(storedNotice(dir)).toMatchObject([{ text: "Maintenance tonight, back soon", until_at: Date.UTC(2099, 5, 1, 16, 30) }]);
    expect((await admin(dir, "notice", "clear")).code).toBe(0);
    const again = await admin(dir, "notice", "clear", "--json");
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ cleared: false });
    const none = await admin(dir, "notice");
    expect(none.code).toBe(0);
    expect(none.stderr.trim()).toBe("No notice is set.");
    expect((await admin(dir, "notice", "--json")).stdout.trim()).toBe("null");
  }, PROCESSES);

  const mistakes: Array<[string, string[], string]> = [
    ["an empty text", ["set", "  "], "youmeet: The notice text is empty; write what users should know."],
    ["a text too long", ["set", "x".repeat(501)], "youmeet: The notice has 501 characters; keep it to 500."],
    ["an end time in the past", ["set", "Late", "--until", "2020-01-01"], "youmeet: The end time of the notice has already passed; give a time in the future."],
    ["an end time that is not a date", ["set", "Soon", "--until", "tomorrow"], 'youmeet: --until must be a date like 2026-12-05 or 2026-12-05T18:00, got "tomorrow".'],
    ["an hour that does not exist", ["set", "Soon", "--until", "2099-01-01T25:00"], "youmeet: --until must be a date"],
    ["set without a text", ["set"], "youmeet: Usage: youmeet admin notice set TEXT [--until DATE]"],
    ["clear with a word", ["clear", "now"], "youmeet: Usage: youmeet admin notice clear"],
    ["an unknown option", ["--until", "2099-01-01"], "youmeet: Unknown option --until for admin notice show"],
  ];
  for (const [name, words, message] of mistakes) {
    test(`${name} exits 2 with one sentence and keeps the notice as it was`, async () => {
      const dir = scratch.make();
      await migratedDataDir(dir);
      expect((await admin(dir, "notice", "set", "Kept")).code).toBe(0);
      const before = storedNotice(dir);
      const answer = await admin(dir, "notice", ...words);
      expectRefusal(answer, 2, message);
      expect(storedNotice(dir)).toEqual(before);
    }, PROCESSES);
  }

  test("help: the group and each command", async () => {
    const dir = scratch.make();
    const group = await admin(dir, "notice", "--help");
    expect(group.code).toBe(0);
    for (const usage of ["show", "set TEXT [--until DATE]", "clear"]) expect(group.stdout).toContain(usage);
    const set = await admin(dir, "notice", "set", "--help");
    expect(set.stdout).toContain("Usage: youmeet admin notice set TEXT [--until DATE]");
    expect(set.stdout).toContain("--until DATE");
  }, PROCESSES);
});
