/** `youmeet admin users ...`: list, show, set-plan, ban, unban, delete accounts. */
import { BanService, BAN_REASON_MAX } from "../../moderation/bans.ts";
import { BadInput, Conflict } from "../../errors.ts";
import { limitText } from "../../plans/limits.ts";
import { PlanService } from "../../plans/service.ts";
import type { UserRow } from "../../store/users.ts";
import { findUser, guarded, isoTime, USER_WORD } from "./lookup.ts";
import { telegramName } from "../../store/accounts.ts";
import { formatTime, printRecord, printRows } from "./output.ts";
import { EXIT, type AdminArgs, type AdminCommand, type AdminContext, type AdminGroup } from "./types.ts";

const one = { min: 1, max: 1 };
const plansOf = (ctx: AdminContext) => new PlanService(ctx.stores, () => ctx.now);
const bansOf = (ctx: AdminContext) => new BanService(ctx.stores, () => ctx.now);

/** A user as `users list --json` prints it. */
function userJson(user: UserRow) {
  return {
    youmeetId: user.youmeetId,
    name: telegramName(user),
    username: user.username,
    plan: user.plan,
    createdAt: isoTime(user.createdAt),
    lastSeenAt: isoTime(user.lastSeenAt),
    banned: user.bannedAt !== null,
  };
}

/** Everything stored about one account, and this month's usage of its plan. */
function details(ctx: AdminContext, user: UserRow) {
  // Every stored field of the account but the internal row id, so a new column shows up here too.
  const { id: _internal, createdAt, updatedAt, lastSeenAt, ...profile } = ctx.stores.accounts.findById(user.id)!;
  const ban = ctx.stores.bans.find(user.id);
  const usage = plansOf(ctx).usage(user.id);
  return {
    ...profile,
    createdAt: isoTime(createdAt),
    updatedAt: isoTime(updatedAt),
    lastSeenAt: isoTime(lastSeenAt),
    plan: usage.plan,
    banned: ban !== null,
    bannedAt: isoTime(ban?.bannedAt ?? null),
    banReason: ban?.reason ?? null,
    sessions: ctx.stores.sessions.countForAccount(user.id),
    rooms: ctx.stores.rooms.listByOwner(user.id).map((room) => room.id),
    usageMonth: usage.month,
    roomsUsed: `${usage.rooms.used} of ${limitText(usage.rooms.limit)}`,
    minutesUsed: `${usage.minutes.used} of ${limitText(usage.minutes.limit)}`,
    participantsPerRoom: usage.participantsPerRoom,
    screenShare: usage.screenShare,
    minutesByMonth: ctx.stores.plans.usageHistory(user.id).map((m) => ({ month: m.month, minutes: Math.floor(m.callSeconds / 60) })),
  };
}

/** One checked, one-line ban reason, or null. */
function banReason(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  const reason = raw.trim().replace(/\s+/g, " ");
  if (reason.length === 0) return null;
  if (reason.length > BAN_REASON_MAX) throw new BadInput("ban.bad_reason", `--reason may be at most ${BAN_REASON_MAX} characters (it is shown to the user).`);
  if (/\p{Cc}/u.test(reason)) throw new BadInput("ban.bad_reason", "--reason cannot contain control characters.");
  return reason;
}

/** A command acting on the one account its first word names. */
function onUser(
  command: Omit<AdminCommand, "run" | "positionals"> & { positionals?: AdminCommand["positionals"] },
  body: (ctx: AdminContext, args: AdminArgs, user: UserRow) => number,
): AdminCommand {
  return { positionals: one, ...command, run: (ctx, args) => guarded(ctx, () => body(ctx, args, findUser(ctx, args.positionals[0]!))) };
}

const done = (ctx: AdminContext, json: boolean, record: Record<string, unknown>, sentence: string) => {
  ctx.out(json ? JSON.stringify(record) : sentence);
  return EXIT.ok;
};

export const usersGroup: AdminGroup = {
  name: "users",
  summary: "List and inspect accounts, change their plan, ban, unban or delete them.",
  commands: {
    list: {
      usage: "list",
      summary: "Every account: youmeet ID, name, username, plan, created, last seen, banned.",
      run(ctx, args) {
        printRows(
          ctx,
          args,
          ctx.stores.users.list(),
          [
            { heading: "YOUMEET ID", cell: (u) => u.youmeetId },
            { heading: "NAME", cell: (u) => telegramName(u) },
            { heading: "USERNAME", cell: (u) => (u.username ? `@${u.username}` : null) },
            { heading: "PLAN", cell: (u) => u.plan },
            { heading: "CREATED", cell: (u) => formatTime(u.createdAt) },
            { heading: "LAST SEEN", cell: (u) => formatTime(u.lastSeenAt) },
            { heading: "BANNED", cell: (u) => (u.bannedAt === null ? "no" : "yes") },
          ],
          userJson,
        );
        return EXIT.ok;
      },
    },
    show: onUser(
      { usage: `show ${USER_WORD}`, summary: "Everything stored about one account (by youmeet ID or @username), with this month's usage." },
      (ctx, args, user) => {
        const record = details(ctx, user);
        if (args.options.json === "true") ctx.out(JSON.stringify(record, null, 2));
        else {
          const { rooms, minutesByMonth, ...flat } = record;
          const history = minutesByMonth.map((m) => `${m.month}: ${m.minutes}`).join(", ");
          printRecord(ctx, args, { ...flat, rooms: rooms.join(", ") || null, minutesByMonth: history || null });
        }
        return EXIT.ok;
      },
    ),
    "set-plan": onUser(
      {
        usage: `set-plan ${USER_WORD} PLAN`,
        summary: "Move an account to a plan; its limits apply from the next room, join and screen share.",
        positionals: { min: 2, max: 2 },
      },
      (ctx, args, user) => {
        const plan = plansOf(ctx).assign(user.id, args.positionals[1]!);
        return done(ctx, args.options.json === "true", { youmeetId: user.youmeetId, plan: plan.name }, `${user.youmeetId} is now on the plan ${plan.name}.`);
      },
    ),
    ban: onUser(
      {
        usage: `ban ${USER_WORD} [--reason TEXT]`,
        summary: "Ban an account: it is logged out, cannot log in or join, and its calls end within seconds.",
        options: { reason: { kind: "value", metavar: "TEXT", help: `Why, shown to the user on the login page (at most ${BAN_REASON_MAX} characters).` } },
      },
      (ctx, args, user) => {
        const reason = banReason(args.options.reason);
        if (user.bannedAt !== null) {
          throw new Conflict("user.already_banned", `${user.youmeetId} is already banned (since ${formatTime(user.bannedAt)} UTC); unban it first to ban it anew.`);
        }
        const sessions = bansOf(ctx).ban(user.id, reason);
        return done(
          ctx,
          args.options.json === "true",
          { youmeetId: user.youmeetId, banned: true, reason, sessionsEnded: sessions },
          `${user.youmeetId} is banned; ${sessions} ${sessions === 1 ? "session" : "sessions"} ended.`,
        );
      },
    ),
    unban: onUser(
      { usage: `unban ${USER_WORD}`, summary: "Lift a ban: the account can log in and join calls again." },
      (ctx, args, user) => {
        if (!bansOf(ctx).unban(user.id)) throw new Conflict("user.not_banned", `${user.youmeetId} is not banned.`);
        return done(ctx, args.options.json === "true", { youmeetId: user.youmeetId, banned: false }, `${user.youmeetId} is no longer banned.`);
      },
    ),
    delete: onUser(
      {
        usage: `delete ${USER_WORD} --yes`,
        summary: "Delete an account and everything that refers to it (rooms, sessions, usage); its calls end within seconds.",
        options: { yes: { kind: "switch", help: "Confirm: the account and its data are gone for good." } },
      },
      (ctx, args, user) => {
        const rooms = ctx.stores.rooms.countByOwner(user.id);
        if (args.options.yes !== "true") {
          throw new BadInput(
            "user.delete_unconfirmed",
            `This deletes ${user.youmeetId} (${telegramName(user)}) with its ${rooms} ${rooms === 1 ? "room" : "rooms"}, sessions and usage for good; add --yes to confirm.`,
          );
        }
        ctx.stores.transaction(() => ctx.stores.accountData.deleteAccount(user.id));
        return done(ctx, args.options.json === "true", { youmeetId: user.youmeetId, deleted: true, rooms }, `${user.youmeetId} and everything that referred to it are deleted.`);
      },
    ),
  },
};
