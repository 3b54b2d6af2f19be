/**
 * `npm run build`: one executable, dist/youmeet (or the path given as the first argument),
 * embedding static files; views and migrations are imported, so they are in the bundle.
 * Built without run-time autoload of .env and bunfig.toml, so the directory it is started
 * from cannot change its behaviour.
 */
import { join, resolve } from "node:path";

const root = join(import.meta.dir, "..");
const outfile = resolve(process.argv[2] ?? join(root, "dist/youmeet"));
const target = process.env.YOUMEET_BUILD_TARGET; // e.g. bun-linux-arm64 for another machine

const args = [
  "build",
  "--compile",
  "--no-compile-autoload-dotenv",
  "--no-compile-autoload-bunfig",
  "--minify-syntax",
  "--asset",
  "./static",
  ...(target ? [`--target=${target}`] : []),
  "--outfile",
  outfile,
  "./src/main.ts",
];
const build = Bun.spawnSync([process.execPath, ...args], { cwd: root, stdout: "inherit", stderr: "inherit" });
if (build.exitCode !== 0) process.exit(build.exitCode ?? 1);
console.log(`built ${outfile}`);
