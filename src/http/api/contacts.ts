import { Elysia } from "elysia";
import type { CallView } from "../../contacts/calls.ts";
import type { ContactEntry } from "../../contacts/service.ts";
import { displayName } from "../../contacts/service.ts";
import { BadInput } from "../../errors.ts";
import type { RouteDeps } from "../app.ts";
import { CallParams } from "../pages/calls.ts";
import { ContactParams } from "../pages/contacts.ts";
import { roomUrl } from "../pages/rooms.ts";
import { jsonResponse } from "../respond.ts";
import { requireAccount } from "./auth.ts";
import { AddContact, StartCall } from "./contact-schemas.ts";

/** A contact as the JSON API answers it. */
function contactJson(contact: ContactEntry) {
  return {
    youmeetId: contact.youmeetId,
    name: displayName(contact),
    username: contact.username,
    photoUrl: contact.photoUrl,
    online: contact.online,
    addedAt: new Date(contact.addedAt).toISOString(),
  };
}

/** A call as the JSON API and the live event stream answer it. */
export function callJson(publicUrl: string, call: CallView) {
  return {
    id: call.id,
    state: call.state,
    direction: call.direction,
    peer: call.peer,
    roomUrl: call.roomId ? roomUrl(publicUrl, call.roomId) : null,
    startedAt: new Date(call.startedAt).toISOString(),
    expiresAt: new Date(call.expiresAt).toISOString(),
    open: call.open,
  };
}

/** /api/v1/contacts and /api/v1/calls: the same services as the dashboard, as JSON. */
export function contactsApi(deps: RouteDeps) {
  const { visits, contacts, calls, config } = deps;
  return new Elysia({ name: "api-contacts", prefix: "/api/v1" })
    .get("/contacts", ({ request }) => {
      const account = requireAccount(visits.of(request));
      return jsonResponse({ contacts: contacts.list(account).map(contactJson) });
    })
    .post(
      "/contacts",
      ({ request, body }) => {
        const account = requireAccount(visits.of(request));
        const { youmeetId, username } = body;
        if ((youmeetId === undefined) === (username === undefined)) {
          throw new BadInput("contact.bad_request", "Send exactly one of youmeetId or username.");
        }
        const query = youmeetId !== undefined ? { youmeetId } : { username: username! };
        return jsonResponse(contactJson(contacts.add(account, query)), 201);
      },
      { body: AddContact },
    )
    .delete(
      "/contacts/:youmeetId",
      ({ request, params }) => {
        const account = requireAccount(visits.of(request));
        contacts.remove(account, params.youmeetId);
        return new Response(null, { status: 204 });
      },
      { params: ContactParams },
    )
    .post(
      "/calls",
      ({ request, body }) => {
        const account = requireAccount(visits.of(request));
        return jsonResponse(callJson(config.publicUrl, calls.start(account, body.youmeetId, null)), 201);
      },
      { body: StartCall },
    )
    .get(
      "/calls/:id",
      ({ request, params }) => {
        const account = requireAccount(visits.of(request));
        return jsonResponse(callJson(config.publicUrl, calls.view(account, params.id)));
      },
      { params: CallParams },
    )
    .delete(
      "/calls/:id",
      ({ request, params }) => {
        const account = requireAccount(visits.of(request));
        const call = calls.view(account, params.id);
        const ended = call.direction === "outgoing" ? calls.cancel(account, call.id) : calls.decline(account, call.id);
        return jsonResponse(callJson(config.publicUrl, ended));
      },
      { params: CallParams },
    );
}
