/** `youmeet admin notice [show]|set|clear`: the service notice every page shows as a banner. */
import { BadInput } from "../../errors.ts";
import { NoticeService, NOTICE_CACHE_MS, NOTICE_MAX_CHARS, type NoticeState } from "../../notices/service.ts";
import { DATE_HELP, parseDate } from "./dates.ts";
import { formatTime, printRecord } from "./output.ts";
import { EXIT, type AdminContext, type AdminGroup } from "./types.ts";

const notices = (ctx: AdminContext) => new NoticeService(ctx.stores, () => ctx.now);

function noticeJson(notice: NoticeState) {
  return {
    text: notice.text,
    setAt: new Date(notice.setAt).toISOString(),
    until: notice.until === null ? null : new Date(notice.until).toISOString(),
    showing: notice.showing,
  };
}

const PICKED_UP = `The running server shows the change within ${NOTICE_CACHE_MS / 1000} seconds.`;

export const noticeGroup: AdminGroup = {
  name: "notice",
  summary: "The service notice (planned maintenance, say) shown as a banner on every page.",
  defaultCommand: "show",
  commands: {
    show: {
      usage: "show",
      summary: "Print the notice, when it was set, until when it shows (also: youmeet admin notice).",
      run(ctx, args) {
        const notice = notices(ctx).stored();
        if (args.options.json === "true") {
          ctx.out(JSON.stringify(notice ? noticeJson(notice) : null));
          return EXIT.ok;
        }
        if (!notice) {
          ctx.err("No notice is set.");
          return EXIT.ok;
        }
        printRecord(ctx, args, {
          text: notice.text,
          set: `${formatTime(notice.setAt)} UTC`,
          until: notice.until === null ? "until cleared" : `${formatTime(notice.until)} UTC`,
          showing: notice.showing ? "yes" : "no, its end time has passed",
        });
        return EXIT.ok;
      },
    },
    set: {
      usage: "set TEXT [--until DATE]",
      summary: `Show TEXT (up to ${NOTICE_MAX_CHARS} characters, any language) on every page, replacing any notice.`,
      options: { until: { kind: "value", metavar: "DATE", help: `Stop showing it at DATE: ${DATE_HELP}.` } },
      // Unquoted words are joined, so `notice set Maintenance tonight` works as typed.
      positionals: { min: 1, max: 1000 },
      run(ctx, args) {
        const until = args.options.until === undefined ? null : parseDate(args.options.until);
        if (until === null && args.options.until !== undefined) {
          ctx.err(`youmeet: --until must be a date like 2026-12-05 or 2026-12-05T18:00, got ${JSON.stringify(args.options.until)}.`);
          return EXIT.usage;
        }
        let notice: NoticeState;
        try {
          notice = notices(ctx).set(args.positionals.join(" "), until);
        } catch (error) {
          if (!(error instanceof BadInput)) throw error;
          ctx.err(`youmeet: ${error.message}`);
          return EXIT.usage;
        }
        if (args.options.json === "true") ctx.out(JSON.stringify(noticeJson(notice)));
        else {
          const shown = notice.until === null ? "until you clear it" : `until ${formatTime(notice.until)} UTC`;
          ctx.out(`Notice set; it shows on every page ${shown}. ${PICKED_UP}`);
        }
        return EXIT.ok;
      },
    },
    clear: {
      usage: "clear",
      summary: "Remove the notice.",
      run(ctx, args) {
        const cleared = notices(ctx).clear();
        if (args.options.json === "true") ctx.out(JSON.stringify({ cleared }));
        else ctx.out(cleared ? `Notice cleared. ${PICKED_UP}` : "No notice was set; nothing changed.");
        return EXIT.ok;
      },
    },
  },
};
