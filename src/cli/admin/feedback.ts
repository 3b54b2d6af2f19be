/** `youmeet admin feedback list|show|delete`: the operator reads and removes feedback messages. */
import type { FeedbackRecord } from "../../store/feedback.ts";
import { DATE_HELP, parseDate } from "./dates.ts";
import { formatTime, printRecord, printRows } from "./output.ts";
import { EXIT, type AdminArgs, type AdminCommand, type AdminContext, type AdminGroup } from "./types.ts";

/** A message's id from the command line, or null (after saying why). */
function feedbackId(ctx: AdminContext, word: string): number | null {
  const id = /^\d{1,15}$/.test(word) ? Number(word) : NaN;
  if (!Number.isSafeInteger(id) || id < 1) {
    ctx.err(`youmeet: ${JSON.stringify(word)} is not a feedback id; the ids are the numbers in youmeet admin feedback list.`);
    return null;
  }
  return id;
}

/** The message the id in `word` names, or the exit code after saying why not (2 not an id, 1 none). */
function findFeedback(ctx: AdminContext, word: string): FeedbackRecord | number {
  const id = feedbackId(ctx, word);
  if (id === null) return EXIT.usage;
  const record = ctx.stores.feedback.find(id);
  if (record) return record;
  ctx.err(`youmeet: there is no feedback message with id ${id}.`);
  return EXIT.refused;
}

/** A command on the one message its ID word names. */
function onMessage(usage: string, summary: string, act: (ctx: AdminContext, args: AdminArgs, f: FeedbackRecord) => number): AdminCommand {
  return {
    usage,
    summary,
    positionals: { min: 1, max: 1 },
    run(ctx, args) {
      const f = findFeedback(ctx, args.positionals[0]!);
      return typeof f === "number" ? f : act(ctx, args, f);
    },
  };
}

/** Everything stored about a message, for --json and show. */
function feedbackJson(f: FeedbackRecord) {
  return {
    id: f.id,
    createdAt: new Date(f.createdAt).toISOString(),
    name: f.name,
    email: f.email,
    subject: f.subject,
    youmeetId: f.youmeetId,
    message: f.message,
  };
}

export const feedbackGroup: AdminGroup = {
  name: "feedback",
  summary: "Read and delete the feedback people sent with the form or the API.",
  commands: {
    list: {
      usage: "list [--since DATE]",
      summary: "List feedback messages, newest first (id, date, name, email, subject).",
      options: { since: { kind: "value", metavar: "DATE", help: `Only messages sent at or after DATE: ${DATE_HELP}.` } },
      run(ctx, args) {
        const since = args.options.since === undefined ? 0 : parseDate(args.options.since);
        if (since === null) {
          ctx.err(`youmeet: --since must be a date like 2026-12-01 or 2026-12-01T09:30, got ${JSON.stringify(args.options.since)}.`);
          return EXIT.usage;
        }
        const rows = ctx.stores.feedback.listSince(since);
        printRows(
          ctx,
          args,
          rows,
          [
            { heading: "ID", cell: (f) => f.id },
            { heading: "DATE (UTC)", cell: (f) => formatTime(f.createdAt) },
            { heading: "NAME", cell: (f) => f.name },
            { heading: "EMAIL", cell: (f) => f.email },
            { heading: "SUBJECT", cell: (f) => f.subject },
          ],
          (f) => {
            const { message: _message, ...listed } = feedbackJson(f);
            return listed;
          },
        );
        return EXIT.ok;
      },
    },
    show: onMessage("show ID", "Print one message whole: who sent it, when, and its text.", (ctx, args, f) => {
      if (args.options.json === "true") {
        ctx.out(JSON.stringify(feedbackJson(f), null, 2));
        return EXIT.ok;
      }
      const { message, ...fields } = feedbackJson(f);
      printRecord(ctx, args, { ...fields, createdAt: `${formatTime(f.createdAt)} UTC` });
      // The text as written, line breaks and all; a record line would fold it into one.
      ctx.out("");
      ctx.out(message);
      return EXIT.ok;
    }),
    delete: onMessage("delete ID", "Delete one message for good.", (ctx, args, f) => {
      ctx.stores.feedback.delete(f.id);
      if (args.options.json === "true") ctx.out(JSON.stringify({ deleted: f.id }));
      else ctx.out(`Deleted feedback message ${f.id}.`);
      return EXIT.ok;
    }),
  },
};
