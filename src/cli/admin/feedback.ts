/** `youmeet admin feedback list|show|delete`: the operator reads and removes feedback messages. */
import type { FeedbackRecord } from "../../store/feedback.ts";
import { DATE_HELP, parseDate } from "./dates.ts";
import { formatTime, printRecord, printRows } from "./output.ts";
import { EXIT, type AdminContext, type AdminGroup } from "./types.ts";

/** A message's id from the command line, or null (after saying why). */
function feedbackId(ctx: AdminContext, word: string): number | null {
  const id = /^\d{1,15}$/.test(word) ? Number(word) : NaN;
  if (!Number.isSafeInteger(id) || id < 1) {
    ctx.err(`youmeet: ${JSON.stringify(word)} is not a feedback id; the ids are the numbers in youmeet admin feedback list.`);
    return null;
  }
  return id;
}

/** The message with the id in `word`, or null (after saying why: not an id, or not found). */
function findFeedback(ctx: AdminContext, word: string): { id: number; record: FeedbackRecord | null } | null {
  const id = feedbackId(ctx, word);
  if (id === null) return null;
  const record = ctx.stores.feedback.find(id);
  if (!record) ctx.err(`youmeet: there is no feedback message with id ${id}.`);
  return { id, record };
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
          ({ message: _message, ...rest }) => rest,
        );
        return EXIT.ok;
      },
    },
    show: {
      usage: "show ID",
      summary: "Print one message whole: who sent it, when, and its text.",
      positionals: { min: 1, max: 1 },
      run(ctx, args) {
        const found = findFeedback(ctx, args.positionals[0]!);
        if (!found) return EXIT.usage;
        if (!found.record) return EXIT.refused;
        const f = found.record;
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
      },
    },
    delete: {
      usage: "delete ID",
      summary: "Delete one message for good.",
      positionals: { min: 1, max: 1 },
      run(ctx, args) {
        const found = findFeedback(ctx, args.positionals[0]!);
        if (!found) return EXIT.usage;
        if (!found.record) return EXIT.refused;
        ctx.stores.feedback.delete(found.id);
        if (args.options.json === "true") ctx.out(JSON.stringify({ deleted: found.id }));
        else ctx.out(`Deleted feedback message ${found.id}.`);
        return EXIT.ok;
      },
    },
  },
};
