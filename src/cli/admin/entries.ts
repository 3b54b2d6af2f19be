/** Every `youmeet admin` command, in the order the help lists them. */
import { backupCommand } from "./backup.ts";
import { feedbackGroup } from "./feedback.ts";
import { noticeGroup } from "./notice.ts";
import type { AdminEntry } from "./types.ts";

export const ADMIN_ENTRIES: readonly AdminEntry[] = [feedbackGroup, noticeGroup, backupCommand];
