import { Elysia } from "elysia";
import type { Identity } from "../signal/call.ts";
import { CloseCode, MAX_MESSAGE_BYTES, type ServerMessage } from "../signal/protocol.ts";
import { SignalSession } from "../signal/session.ts";
import type { RouteDeps } from "./app.ts";
import { isSameOrigin } from "./csrf.ts";
import { HttpRefusal } from "./errors.ts";

/** Seconds without any message (the page pings every 15 s) before the socket is closed. */
const IDLE_TIMEOUT_SECONDS = 45;

/**
 * Limits of every WebSocket, for the root app's `websocket` option: Bun applies them per
 * server, and Elysia silently ignores them on a route. Over maxPayloadLength Bun closes
 * with 1009 before the message is buffered whole.
 */
export const WEBSOCKET_LIMITS = { maxPayloadLength: MAX_MESSAGE_BYTES, idleTimeout: IDLE_TIMEOUT_SECONDS } as const;

/**
 * GET /r/:id/ws: the signaling WebSocket. The upgrade is refused with an HTTP error unless
 * the Origin is ours, the room exists, and the caller has a session or a guest pass for it.
 */
export function signalSocket(deps: RouteDeps) {
  const { visits, rooms, guests, hub, config, logger } = deps;
  const identities = new WeakMap<Request, { roomId: string; identity: Identity }>();
  const sessions = new Map<string, SignalSession>();

  const identify = (request: Request, roomId: string): Identity => {
    const visit = visits.of(request);
    if (!isSameOrigin(request, config.publicOrigin) || request.headers.get("origin") === null) {
      throw new HttpRefusal(403, "signal.bad_origin", "The meeting connection must come from this site's own pages.");
    }
    const room = rooms.open(roomId);
    const account = visit.session?.account;
    if (account) return { kind: "account", accountId: account.id, name: account.name };
    const guest = guests.verify(room.id, new URL(request.url).searchParams.get("guest"));
    if (!guest) throw new HttpRefusal(401, "signal.not_authenticated", "Log in, or enter a name to join as a guest.");
    return { kind: "guest", guestId: guest.guestId, name: guest.name };
  };

  return new Elysia({ name: "signal-socket" }).ws("/r/:id/ws", {
    beforeHandle({ request, params }) {
      identities.set(request, { roomId: params.id, identity: identify(request, params.id) });
    },
    open(ws) {
      const found = identities.get(ws.data.request);
      if (!found) {
        ws.close(CloseCode.refused, "not authenticated");
        return;
      }
      const connection = {
        send: (message: ServerMessage) => {
          if (ws.raw.readyState === 1) ws.raw.send(JSON.stringify(message));
        },
        close: (code: number, reason: string) => ws.raw.close(code, reason),
      };
      sessions.set(ws.id, new SignalSession(hub, found.roomId, found.identity, connection, logger));
    },
    message(ws, message) {
      sessions.get(ws.id)?.receive(message);
    },
    close(ws) {
      sessions.get(ws.id)?.close();
      sessions.delete(ws.id);
    },
  });
}
