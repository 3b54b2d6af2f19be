import { join } from "node:path";

/**
 * Where static/ lives: embedded in the executable (`--asset ./static` keeps the relative
 * path under /$bunfs/root), or beside src/ when run from the source tree.
 */
export function staticDirectory(): string {
  return Bun.isStandaloneExecutable ? join(import.meta.dir, "static") : join(import.meta.dir, "..", "static");
}
