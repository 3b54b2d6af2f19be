import { ErrorBody, Me } from "./schemas.ts";

const VERSION = "1.0.0";

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});

/**
 * The OpenAPI 3.1 description of /api/v1, built from the same TypeBox schemas the
 * handlers answer with, so the two cannot drift apart silently.
 */
export function openApiDocument(publicUrl: string) {
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
      securitySchemes: { session: { type: "apiKey", in: "cookie", name: "youmeet_session" } },
      schemas: { Error: errorSchema, Me },
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
    },
  };
}
