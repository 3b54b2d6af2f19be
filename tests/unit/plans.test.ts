import { afterEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { migrate } from "../../src/db/migrate.ts";
import { MIGRATIONS } from "../../src/db/migrations.ts";
import { openDatabase } from "../../src/db/open.ts";
import { monthOf, nextMonthStart, parseLimit } from "../../src/plans/limits.ts";
import { tempDir } from "../helpers/server.ts";

const dirs: Array<{ remove: () => void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

describe("plans", () => {
  test("accounts that existed before the plans migration are on free, as new ones are", () => {
    const dir = tempDir();
    dirs.push(dir);
    const db = openDatabase(join(dir.path, "old.db"));
    const plansAt = MIGRATIONS.findIndex((m) => m.name.includes("create_plans"));
    migrate(db, MIGRATIONS.slice(0, plansAt));
    db.run(
      `INSERT INTO accounts (youmeet_id, telegram_id, first_name, created_at, updated_at, last_seen_at)
       VALUES ('k7m-p3q-x9z', 42, 'Ada', 1, 1, 1)`,
    );
    migrate(db, MIGRATIONS);
    expect(db.query("SELECT plan FROM accounts").all()).toEqual([{ plan: "free" }]);
    db.run(`INSERT INTO accounts (youmeet_id, telegram_id, first_name, created_at, updated_at, last_seen_at) VALUES ('abc-def-ghj', 43, 'Grace', 1, 1, 1)`);
    expect(db.query("SELECT plan FROM accounts WHERE telegram_id = 43").get()).toEqual({ plan: "free" });
    db.close();
  });

  test("months are UTC calendar months", () => {
    const lastSecond = Date.UTC(2026, 11, 31, 23, 59, 59);
    expect(monthOf(lastSecond)).toBe("2026-12");
    expect(monthOf(lastSecond + 1000)).toBe("2027-01");
    expect(nextMonthStart(lastSecond)).toBe(Date.UTC(2027, 0, 1));
  });

  test("a limit is a whole number in its bounds, or 0 / unlimited for none", () => {
    expect(parseLimit("rooms", "7")).toBe(7);
    expect(parseLimit("minutes", "Unlimited")).toBeNull();
    expect(parseLimit("participants", "0")).toBeNull();
    for (const bad of ["", "1e3", "0x10", " ", "-3", "3.0"]) expect(() => parseLimit("rooms", bad)).toThrow(/--rooms/);
  });
});
