import { CreateRoom, ErrorBody, Me, Room, Usage } from "./schemas.ts";

const VERSION = "1.0.0";

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (description: string, schema: unknown) => ({ description, content: { "application/json": { schema } } });

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});

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
      schemas: { Error: errorSchema, Me, Room, CreateRoom, Usage },
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
    },
  };
}
