/**
 * Generates static/ files that are not kept in git: the vendored htmx (pinned by the
 * lock file, copied from node_modules, never a CDN) and the browser bundle from src/client.
 */
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
const staticDir = join(root, "static");

mkdirSync(join(staticDir, "vendor"), { recursive: true });
copyFileSync(join(root, "node_modules/htmx.org/dist/htmx.min.js"), join(staticDir, "vendor/htmx.min.js"));

// app.js runs on every page; meeting.js only on the room page.
const result = await Bun.build({
  entrypoints: [join(root, "src/client/app.ts"), join(root, "src/client/meeting.ts")],
  outdir: staticDir,
  naming: "[name].js",
  target: "browser",
  format: "esm",
  minify: true,
  sourcemap: "linked",
});
if (!result.success) {
  for (const log of result.logs) console.error(log);
  process.exit(1);
}
