import { Elysia, t } from "elysia";
import { roomPage } from "../../../views/pages/room.ts";
import { roomList, roomsSection, type RoomItem } from "../../../views/pages/rooms.ts";
import { BadInput, DomainError, LimitReached } from "../../errors.ts";
import type { RoomSummary } from "../../rooms/service.ts";
import type { Account } from "../../store/accounts.ts";
import type { RouteDeps } from "../app.ts";
import { HttpRefusal, refusalText } from "../errors.ts";
import { RateLimiter } from "../rate-limit.ts";
import { htmlResponse, jsonResponse, redirectAfterPost, toLogin } from "../respond.ts";
import type { Visit } from "../visit.ts";

/** Rooms one account may create per minute (the room limit guards the total). */
const ROOM_CREATIONS_PER_MINUTE = 20;
/** Guest tokens one client may ask for per minute. */
const GUEST_JOINS_PER_MINUTE = 20;

const csrfField = t.Optional(t.String({ maxLength: 128 }));
const CreateRoomBody = t.Object({ name: t.Optional(t.String({ maxLength: 200 })), _csrf: csrfField });
const GuestBody = t.Object({ name: t.String({ maxLength: 200 }), _csrf: csrfField });
const RoomParams = t.Object({ id: t.String({ maxLength: 32 }) });

/** A room's link, as people share it. */
export function roomUrl(publicUrl: string, id: string): string {
  return `${publicUrl}/r/${id}`;
}

/** Room summaries as the dashboard lists them. */
export function roomItems(publicUrl: string, rooms: RoomSummary[]): RoomItem[] {
  return rooms.map((room) => ({ ...room, url: roomUrl(publicUrl, room.id) }));
}

/** The dashboard's room forms, the room page, and the guest pass for it. */
export function roomPages(deps: RouteDeps) {
  const { visits, rooms, config } = deps;
  const creations = new RateLimiter(ROOM_CREATIONS_PER_MINUTE, 60_000, deps.now);
  const guestPasses = new RateLimiter(GUEST_JOINS_PER_MINUTE, 60_000, deps.now);

  const owner = (visit: Visit): Account | null => visit.session?.account ?? null;
  /** htmx swaps the whole section; a plain form post goes back to the dashboard. */
  const answerSection = (visit: Visit, account: Account, error?: string) =>
    visit.isHtmx
      ? htmlResponse(roomsSection(visit.pageContext(), roomItems(config.publicUrl, rooms.list(account)), error), error ? 400 : 200)
      : redirectAfterPost("/dashboard", false);

  return new Elysia({ name: "room-pages" })
    .get("/rooms/list", ({ request }) => {
      const visit = visits.of(request);
      const account = owner(visit);
      if (!account) return toLogin();
      return htmlResponse(roomList(visit.pageContext(), roomItems(config.publicUrl, rooms.list(account))));
    })
    .post(
      "/rooms",
      ({ request, body }) => {
        const visit = visits.of(request);
        const account = owner(visit);
        if (!account) return toLogin();
        if (creations.hit(`a:${account.id}`) > 0) {
          throw new LimitReached("room.rate_limited", "You are creating rooms too fast; wait a minute.");
        }
        try {
          rooms.create(account, { name: body.name });
        } catch (error) {
          if (error instanceof DomainError && visit.isHtmx) return answerSection(visit, account, refusalText(visit, error));
          throw error;
        }
        return answerSection(visit, account);
      },
      { body: CreateRoomBody },
    )
    .post(
      "/rooms/:id/delete",
      ({ request, params }) => {
        const visit = visits.of(request);
        const account = owner(visit);
        if (!account) return toLogin();
        rooms.delete(account, params.id);
        return answerSection(visit, account);
      },
      { params: RoomParams },
    )
    .post(
      "/rooms/:id/guests",
      ({ request, params }) => {
        const visit = visits.of(request);
        const account = owner(visit);
        if (!account) return toLogin();
        const room = rooms.owned(account, params.id);
        rooms.setGuestsAllowed(account, room.id, !room.allowGuests);
        return answerSection(visit, account);
      },
      { params: RoomParams },
    )
    .get(
      "/r/:id",
      ({ request, params }) => {
        const visit = visits.of(request);
        const room = rooms.open(params.id);
        const account = owner(visit);
        const ownerAccount = deps.stores.accounts.findById(room.ownerId);
        return htmlResponse(
          roomPage(visit.pageContext(), {
            room: { id: room.id, name: room.name, ownerName: ownerAccount?.name ?? "" },
            viewer: account ? { name: account.name, isOwner: account.id === room.ownerId } : null,
            guestsAllowed: room.allowGuests,
          }),
        );
      },
      { params: RoomParams },
    )
    .post(
      "/r/:id/guest",
      ({ request, params, body }) => {
        const visit = visits.of(request);
        if (guestPasses.hit(visit.clientAddress) > 0) {
          throw new HttpRefusal(429, "guest.rate_limited", visit.t("error.429.body"), { "retry-after": "60" });
        }
        const room = rooms.open(params.id);
        if (!room.allowGuests) {
          throw new BadInput("room.guests_not_allowed", "This room admits only people who are logged in; log in to join.");
        }
        const pass = deps.guests.issue(room.id, body.name);
        return jsonResponse({ token: pass.token, name: pass.guest.name, expiresAt: new Date(pass.expiresAt).toISOString() });
      },
      { params: RoomParams, body: GuestBody },
    );
}
