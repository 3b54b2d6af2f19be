import { AddContact, Call, Contact, StartCall } from "./contact-schemas.ts";
import { CreateRoom, DeleteMe, ErrorBody, ExportFile, FeedbackInvalid, FeedbackSent, Me, Profile, Room, SendFeedback, UpdateMe, Usage } from "./schemas.ts";

const VERSION = "1.0.0";

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (description: string, schema: unknown) => ({ description, content: { "application/json": { schema } } });

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});
const jsonBody = (name: string) => ({ required: true, content: { "application/json": { schema: ref(name) } } });
/** The answers every logged-in write may give besides its own. */
const writeRefusals = {
  "401": errorResponse("Not logged in (code auth.required)."),
  "403": errorResponse("Missing CSRF token."),
};

/**
 * The OpenAPI 3.1 description of /api/v1, built from the same TypeBox schemas the
 * handlers answer with, so the two cannot drift apart silently.
 */
export function openApiDocument(publicUrl: string, cookieName: string) {
  const { $id: _errorId, ...errorSchema } = ErrorBody;
  return {
    openapi: "3.1.0",
    info: {
      title: "youmeet API",
      version: VERSION,
      description:
        "The stable JSON API of a youmeet server. Authenticate with the session cookie set by logging in; " +
        "unsafe methods also need the X-CSRF-Token header from the page's csrf-token meta tag.",
    },
    servers: [{ url: `${publicUrl}/api/v1` }],
    components: {
      securitySchemes: { session: { type: "apiKey", in: "cookie", name: cookieName } },
      schemas: { Error: errorSchema, Me, Room, CreateRoom, UpdateMe, Profile, DeleteMe, ExportFile, SendFeedback, FeedbackSent, FeedbackInvalid, Usage, Contact, AddContact, Call, StartCall },
    },
    security: [{ session: [] }],
    paths: {
      "/me": {
        get: {
          summary: "The logged-in account",
          operationId: "getMe",
          responses: {
            "200": { description: "The account.", content: { "application/json": { schema: { $ref: "#/components/schemas/Me" } } } },
            "401": errorResponse("Not logged in (code auth.required)."),
          },
        },
        patch: {
          summary: "Correct your display name and interface language (null resets either to Telegram's)",
          operationId: "updateMe",
          requestBody: jsonBody("UpdateMe"),
          responses: {
            "200": json("The fields as they are now.", ref("Profile")),
            "400": errorResponse(
              "Bad name (profile.name_empty, profile.name_too_long, profile.name_control) or body (request.invalid: wrong type, unknown field, unknown language); nothing changed.",
            ),
            ...writeRefusals,
          },
        },
        delete: {
          summary: "Delete your account and everything that refers to it; calls in your rooms end and you leave any call",
          operationId: "deleteMe",
          requestBody: jsonBody("DeleteMe"),
          responses: {
            "204": { description: "Deleted; the session cookie is cleared." },
            "400": errorResponse('Any body other than {"confirm": true} (account.confirm_required); nothing was deleted.'),
            ...writeRefusals,
          },
        },
      },
      "/me/export": {
        get: {
          summary: "Download every row about you in every table, as one JSON file (the My data page's download)",
          operationId: "exportMe",
          responses: {
            "200": {
              description: "The export file, sent as an attachment.",
              headers: { "Content-Disposition": { schema: { type: "string" }, description: 'attachment; filename="youmeet-data-<youmeet ID>.json"' } },
              content: { "application/json": { schema: ref("ExportFile") } },
            },
            "401": errorResponse("Not logged in (code auth.required)."),
          },
        },
      },
      "/me/usage": {
        get: {
          summary: "Your plan and what you used of it this month",
          operationId: "getUsage",
          responses: {
            "200": json("The plan's limits and this month's usage.", ref("Usage")),
            "401": errorResponse("Not logged in (code auth.required)."),
          },
        },
      },
      "/rooms": {
        get: {
          summary: "Your rooms, newest first, with who is in each call now",
          operationId: "listRooms",
          responses: {
            "200": json("The rooms.", { type: "object", properties: { rooms: { type: "array", items: ref("Room") } } }),
            "401": errorResponse("Not logged in (code auth.required)."),
          },
        },
        post: {
          summary: "Create a room",
          operationId: "createRoom",
          requestBody: { required: false, content: { "application/json": { schema: ref("CreateRoom") } } },
          responses: {
            "201": json("The new room.", ref("Room")),
            "400": errorResponse("Bad name (room.bad_name) or body (request.invalid)."),
            "401": errorResponse("Not logged in (code auth.required)."),
            "403": errorResponse("Your plan's room limit reached (room.limit_reached), or missing CSRF token."),
          },
        },
      },
      "/rooms/{id}": {
        delete: {
          summary: "Delete one of your rooms; a call in it ends for everyone",
          operationId: "deleteRoom",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          responses: {
            "204": { description: "Deleted." },
            "401": errorResponse("Not logged in (code auth.required)."),
            "404": errorResponse("No such room of yours (room.not_found)."),
          },
        },
      },
      "/feedback": {
        post: {
          summary: "Send feedback to the operator; no login needed (a session links it to your account)",
          operationId: "sendFeedback",
          security: [{}, { session: [] }],
          requestBody: { required: true, content: { "application/json": { schema: ref("SendFeedback") } } },
          responses: {
            "201": json("Stored.", ref("FeedbackSent")),
            "400": json("A field is missing, too long or not an email address (feedback.invalid, with each field's code and sentence).", ref("FeedbackInvalid")),
            "403": errorResponse("Missing CSRF token or cross-site request."),
            "429": errorResponse("Too many messages from this address in an hour (feedback.rate_limited); see Retry-After."),
          },
        },
      },
      ...contactPaths(),
    },
  };
}

const loggedOut = () => errorResponse("Not logged in (code auth.required).");
const youmeetIdParameter = { name: "youmeetId", in: "path", required: true, schema: { type: "string" } };
const callIdParameter = { name: "id", in: "path", required: true, schema: { type: "string" } };

/** /contacts and /calls: adding people and ringing them. */
function contactPaths() {
  return {
    "/contacts": {
      get: {
        summary: "Your contacts by name, with whether each has a youmeet page open now",
        operationId: "listContacts",
        responses: {
          "200": json("The contacts.", { type: "object", properties: { contacts: { type: "array", items: ref("Contact") } } }),
          "401": loggedOut(),
        },
      },
      post: {
        summary: "Add a contact by youmeet ID or by the @username of someone who has logged in here",
        operationId: "addContact",
        requestBody: { required: true, content: { "application/json": { schema: ref("AddContact") } } },
        responses: {
          "201": json("The new contact.", ref("Contact")),
          "400": errorResponse(
            "Neither or both fields (contact.bad_request), not an ID (contact.bad_id) or username (contact.bad_username), yourself (contact.self).",
          ),
          "401": loggedOut(),
          "403": errorResponse("Contact limit reached (contact.limit_reached) or missing CSRF token."),
          "404": errorResponse("Nobody has this ID (contact.unknown_id) or username (contact.unknown_username)."),
          "409": errorResponse("Already a contact (contact.duplicate)."),
        },
      },
    },
    "/contacts/{youmeetId}": {
      delete: {
        summary: "Remove a contact",
        operationId: "removeContact",
        parameters: [youmeetIdParameter],
        responses: {
          "204": { description: "Removed." },
          "400": errorResponse("Not a youmeet ID (contact.bad_id)."),
          "401": loggedOut(),
          "404": errorResponse("Not one of your contacts (contact.not_in_list)."),
        },
      },
    },
    "/calls": {
      post: {
        summary: "Ring someone on every youmeet page they have open (30 seconds, then missed)",
        description:
          "The call takes place in a room the caller owns, made on the first call to this person and reused after. " +
          "The callee must have the caller in their contacts, unless they accept calls from anyone. " +
          "Calling the same person while it rings answers the same call; calling someone else cancels it.",
        operationId: "startCall",
        requestBody: { required: true, content: { "application/json": { schema: ref("StartCall") } } },
        responses: {
          "201": json("The ringing call, with its room.", ref("Call")),
          "400": errorResponse("Not an ID (contact.bad_id), or yourself (call.self)."),
          "401": loggedOut(),
          "403": errorResponse("Only their contacts may call (call.not_allowed), too many calls (call.rate_limited), or missing CSRF token."),
          "404": errorResponse("Nobody has this ID (call.unknown_id)."),
        },
      },
    },
    "/calls/{id}": {
      get: {
        summary: "A call's state, as its caller or callee",
        operationId: "getCall",
        parameters: [callIdParameter],
        responses: { "200": json("The call.", ref("Call")), "401": loggedOut(), "404": errorResponse("No such call of yours (call.not_found).") },
      },
      delete: {
        summary: "End a ringing call: the caller cancels it, the callee declines it",
        operationId: "endCall",
        parameters: [callIdParameter],
        responses: {
          "200": json("The ended call.", ref("Call")),
          "401": loggedOut(),
          "404": errorResponse("No such call of yours (call.not_found)."),
          "409": errorResponse("It no longer rings (call.accepted, call.declined, call.missed, call.cancelled)."),
        },
      },
    },
  };
}
