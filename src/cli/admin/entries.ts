/** Every `youmeet admin` command, in the order the help lists them. */
import { backupCommand } from "./backup.ts";
import type { AdminEntry } from "./types.ts";

export const ADMIN_ENTRIES: readonly AdminEntry[] = [backupCommand];
