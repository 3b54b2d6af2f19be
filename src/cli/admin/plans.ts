/** `youmeet admin plans ...`: the tariff plans and their limits. */
import { BadInput, Conflict } from "../../errors.ts";
import { limitText, parseLimit, parseYesNo, participantsLimit } from "../../plans/limits.ts";
import { PlanService } from "../../plans/service.ts";
import type { PlanLimits, PlanRecord } from "../../store/plans.ts";
import { guarded, isoTime } from "./lookup.ts";
import { printRows } from "./output.ts";
import { EXIT, type AdminArgs, type AdminContext, type AdminGroup } from "./types.ts";

/** Plan names: short, lower case, safe in a table and a shell. */
const PLAN_NAME = /^[a-z][a-z0-9-]{0,31}$/;

/** The limits the options of `plans set` give, each checked; options left out stay as they are. */
function changesFrom(args: AdminArgs): Partial<PlanLimits> {
  const { rooms, participants, minutes } = args.options;
  const changes: Partial<PlanLimits> = {};
  if (rooms !== undefined) changes.maxRooms = parseLimit("rooms", rooms);
  if (participants !== undefined) changes.maxParticipants = parseLimit("participants", participants);
  if (minutes !== undefined) changes.monthlyMinutes = parseLimit("minutes", minutes);
  if (args.options["screen-share"] !== undefined) changes.screenShare = parseYesNo("screen-share", args.options["screen-share"]);
  return changes;
}

/** Prints plans as a table or JSON, with how many accounts are on each. */
function printPlans(ctx: AdminContext, args: AdminArgs, plans: PlanRecord[]): void {
  const counts = ctx.stores.plans.accountCounts();
  printRows(
    ctx,
    args,
    plans,
    [
      { heading: "PLAN", cell: (p) => p.name },
      { heading: "ROOMS", cell: (p) => limitText(p.maxRooms) },
      { heading: "PEOPLE PER CALL", cell: (p) => participantsLimit(p) },
      { heading: "MINUTES/MONTH", cell: (p) => limitText(p.monthlyMinutes) },
      { heading: "SCREEN SHARE", cell: (p) => (p.screenShare ? "yes" : "no") },
      { heading: "USERS", cell: (p) => counts.get(p.name) ?? 0 },
    ],
    (p) => ({
      name: p.name,
      rooms: p.maxRooms,
      participants: participantsLimit(p),
      minutesPerMonth: p.monthlyMinutes,
      screenShare: p.screenShare,
      users: counts.get(p.name) ?? 0,
      updatedAt: isoTime(p.updatedAt || null),
    }),
  );
}

export const plansGroup: AdminGroup = {
  name: "plans",
  summary: "Show the tariff plans and change what each allows.",
  commands: {
    list: {
      usage: "list",
      summary: "Every plan with its limits (unlimited where it has none) and how many users are on it.",
      run(ctx, args) {
        printPlans(ctx, args, new PlanService(ctx.stores, () => ctx.now).list());
        return EXIT.ok;
      },
    },
    set: {
      usage: "set NAME [--rooms N] [--participants N] [--minutes N] [--screen-share yes|no] [--create]",
      summary: "Change a plan's limits (0 or unlimited: no limit); the rest stay. --create makes a new plan from free's limits.",
      positionals: { min: 1, max: 1 },
      options: {
        rooms: { kind: "value", metavar: "N", help: "Rooms a user may own (1-100000, or 0/unlimited)." },
        participants: { kind: "value", metavar: "N", help: "People in one call (2-25; 0/unlimited means the server's cap of 25)." },
        minutes: { kind: "value", metavar: "N", help: "Call minutes a month, counted while a call has two or more people (0/unlimited: no limit)." },
        "screen-share": { kind: "value", metavar: "yes|no", help: "Whether screen sharing is allowed in the plan's rooms." },
        create: { kind: "switch", help: "Make NAME as a new plan (limits not given are copied from free)." },
      },
      run: (ctx, args) =>
        guarded(ctx, () => {
          const name = args.positionals[0]!;
          const changes = changesFrom(args);
          const plans = new PlanService(ctx.stores, () => ctx.now);
          if (args.options.create === "true") {
            if (!PLAN_NAME.test(name)) {
              throw new BadInput("plan.bad_name", `A plan name is 1 to 32 lower-case letters, digits or dashes, starting with a letter; ${JSON.stringify(name)} is not.`);
            }
            if (ctx.stores.plans.find(name)) throw new Conflict("plan.exists", `The plan ${name} exists already; leave out --create to change it.`);
            const free = plans.find("free");
            const created = ctx.stores.plans.insert(name, { ...free, ...changes }, ctx.now);
            printPlans(ctx, args, [created]);
            return EXIT.ok;
          }
          if (Object.keys(changes).length === 0) {
            throw new BadInput("plan.nothing_to_change", "Nothing to change: give --rooms, --participants, --minutes or --screen-share.");
          }
          printPlans(ctx, args, [plans.update(name, changes)]);
          return EXIT.ok;
        }),
    },
  },
};
