import { Elysia } from "elysia";
import type { CallView } from "../contacts/calls.ts";
import type { LiveEvent } from "../contacts/live.ts";
import { LimitReached, Unauthorized } from "../errors.ts";
import { callJson } from "./api/contacts.ts";
import type { RouteDeps } from "./app.ts";
import { livePanel } from "./pages/calls.ts";

/** A comment line this often keeps proxies from closing a quiet stream. */
const KEEP_ALIVE_MS = 20_000;
/** Open pages one account may have at once (each holds a connection). */
const PAGES_PER_ACCOUNT_MAX = 20;

/**
 * GET /events: the live event stream (server-sent events) every youmeet page of a logged-in
 * person opens. While one is open the person counts as online; incoming calls ring on it.
 * docs/protocol.md describes the events.
 */
export function liveEvents(deps: RouteDeps) {
  const { visits, live, calls, config, logger, stores } = deps;
  const now = deps.now ?? Date.now;
  /** A page logged out elsewhere (or whose session expired) must not go on showing who calls. */
  const sessionGoesOn = (tokenHash: Uint8Array) => {
    const session = stores.sessions.find(tokenHash);
    return session !== null && session.expiresAt > now() && session.absoluteExpiresAt > now();
  };
  const encoder = new TextEncoder();
  const KEEP_ALIVE = encoder.encode(": keep-alive\n\n");
  // A page whose stream broke (server restart) reconnects after 3 s.
  const RETRY = encoder.encode("retry: 3000\n\n");
  const frame = (name: string, data: unknown) => encoder.encode(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);

  return new Elysia({ name: "live-events" }).get("/events", ({ request, server }) => {
    const visit = visits.of(request);
    const session = visit.session;
    const account = session?.account;
    if (!session || !account) throw new Unauthorized("auth.required", "Log in first: this needs a youmeet session.");
    if (live.pageCount(account.id) >= PAGES_PER_ACCOUNT_MAX) {
      throw new LimitReached("events.too_many_pages", `You have ${PAGES_PER_ACCOUNT_MAX} youmeet pages open; close some and reload.`);
    }
    // The stream stays open for as long as the page does: no idle timeout for it.
    server?.timeout(request, 0);
    const ctx = visit.pageContext();
    const callEvent = (call: CallView) => ({ ...callJson(config.publicUrl, call), html: livePanel(ctx, config.publicUrl, call).value });
    let stop = () => {};
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        const write = (bytes: Uint8Array) => {
          try {
            controller.enqueue(bytes);
          } catch {
            // The page went away between two events.
            stop();
          }
        };
        const send = (name: string, data: unknown) => write(frame(name, data));
        const end = () => {
          stop();
          controller.close();
        };
        const page = live.connect(account.id, {
          send: (event: LiveEvent) => (sessionGoesOn(session.tokenHash) ? send(event.name, callEvent(event.data)) : end()),
          end,
          recheck: () => {
            if (!sessionGoesOn(session.tokenHash)) end();
          },
        });
        // The keep-alive also re-checks the session: a logout, a ban or a deletion (also made by
        // `youmeet admin` in another process) ends the stream, and with it "online now".
        const keepAlive = setInterval(() => (sessionGoesOn(session.tokenHash) ? write(KEEP_ALIVE) : end()), KEEP_ALIVE_MS);
        stop = () => {
          clearInterval(keepAlive);
          page.close();
          stop = () => {};
        };
        request.signal.addEventListener("abort", () => stop());
        write(RETRY);
        send("ready", { page: page.id });
        for (const call of calls.ringingFor(account.id)) send("call", callEvent(call));
        logger.debug("live_page_opened", { account_youmeet_id: account.youmeetId, pages: live.pageCount(account.id) });
      },
      cancel() {
        stop();
      },
    });
    return new Response(stream, {
      headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", "x-accel-buffering": "no" },
    });
  });
}
