/** Every `youmeet admin` command, in the order the help lists them. */
import { backupCommand } from "./backup.ts";
import { feedbackGroup } from "./feedback.ts";
import { noticeGroup } from "./notice.ts";
import { plansGroup } from "./plans.ts";
import type { AdminEntry } from "./types.ts";
import { usersGroup } from "./users.ts";

export const ADMIN_ENTRIES: readonly AdminEntry[] = [usersGroup, plansGroup, feedbackGroup, noticeGroup, backupCommand];
