import { existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { backupDatabase } from "../../store/backup.ts";
import { EXIT, type AdminEntry } from "./types.ts";

/** `youmeet admin backup FILE`: a consistent copy of the database while the server runs. */
export const backupCommand: AdminEntry = {
  name: "backup",
  usage: "FILE",
  summary: "Write a consistent copy of the database to FILE (safe while the server runs).",
  positionals: { min: 1, max: 1 },
  run(ctx, args) {
    const path = resolve(args.positionals[0]!);
    if (existsSync(path)) {
      ctx.err(`youmeet: ${path} already exists; choose a new file name (a backup never overwrites).`);
      return EXIT.usage;
    }
    const dir = dirname(path);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      ctx.err(`youmeet: the directory ${dir} does not exist; create it first.`);
      return EXIT.usage;
    }
    try {
      backupDatabase(ctx.db, path);
    } catch (error) {
      ctx.err(`youmeet: cannot write the backup to ${path}: ${error instanceof Error ? error.message : String(error)}.`);
      return EXIT.refused;
    }
    const bytes = statSync(path).size;
    if (args.options.json === "true") ctx.out(JSON.stringify({ file: path, bytes }));
    else ctx.out(`Backup written to ${path} (${bytes} bytes).`);
    return EXIT.ok;
  },
};
