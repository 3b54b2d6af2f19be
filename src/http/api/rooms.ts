import { Elysia, t } from "elysia";
import type { RoomSummary } from "../../rooms/service.ts";
import type { RouteDeps } from "../app.ts";
import { roomUrl } from "../pages/rooms.ts";
import { jsonResponse } from "../respond.ts";
import { requireAccount } from "./auth.ts";
import { CreateRoom } from "./schemas.ts";


/** A room as the JSON API answers it. */
function roomJson(publicUrl: string, room: RoomSummary) {
  return {
    id: room.id,
    name: room.name,
    url: roomUrl(publicUrl, room.id),
    allowGuests: room.allowGuests,
    createdAt: new Date(room.createdAt).toISOString(),
    live: room.live,
  };
}

/** /api/v1/rooms: create, list and delete the caller's rooms. */
export function roomsApi(deps: RouteDeps) {
  const { visits, rooms, config } = deps;
  return new Elysia({ name: "api-rooms", prefix: "/api/v1" })
    .get("/rooms", ({ request }) => {
      const account = requireAccount(visits.of(request));
      return jsonResponse({ rooms: rooms.list(account).map((room) => roomJson(config.publicUrl, room)) });
    })
    .post(
      "/rooms",
      ({ request, body }) => {
        const account = requireAccount(visits.of(request));
        return jsonResponse(roomJson(config.publicUrl, rooms.create(account, { name: body.name })), 201);
      },
      { body: CreateRoom },
    )
    .delete(
      "/rooms/:id",
      ({ request, params }) => {
        const account = requireAccount(visits.of(request));
        rooms.delete(account, params.id);
        return new Response(null, { status: 204 });
      },
      { params: t.Object({ id: t.String({ maxLength: 32 }) }) },
    );
}
