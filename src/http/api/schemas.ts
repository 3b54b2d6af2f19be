import { t } from "elysia";

/** The error body every /api/v1 failure answers. */
export const ErrorBody = t.Object(
  {
    error: t.Object({
      code: t.String({ description: "Stable machine-readable code, e.g. auth.required." }),
      message: t.String({ description: "A sentence for people." }),
      requestId: t.String({ description: "Quote this to the operator." }),
    }),
  },
  { $id: "#/components/schemas/Error" },
);

/** The logged-in account as /api/v1/me answers it. */
export const Me = t.Object({
  youmeetId: t.String({ description: "Your youmeet ID, which others use to add you as a contact.", examples: ["k7m-p3q-x9z"] }),
  telegramId: t.Integer(),
  firstName: t.String(),
  lastName: t.Union([t.String(), t.Null()]),
  username: t.Union([t.String(), t.Null()], { description: "Telegram @username without the @." }),
  photoUrl: t.Union([t.String(), t.Null()]),
  language: t.String({ description: "Interface language in effect: en or ru." }),
  region: t.Union([t.String(), t.Null()], { description: "Region subtag of the Telegram language code, if any." }),
  createdAt: t.String({ format: "date-time" }),
});

/** A room as /api/v1/rooms answers it. */
export const Room = t.Object({
  id: t.String({ description: "Unguessable id (about 70 random bits) used in the link." }),
  name: t.Union([t.String(), t.Null()]),
  url: t.String({ description: "The link to share: <public-url>/r/<id>." }),
  allowGuests: t.Boolean(),
  createdAt: t.String({ format: "date-time" }),
  live: t.Array(t.String(), { description: "Names of the people in the room's call now." }),
});

/** The body of POST /api/v1/rooms. */
export const CreateRoom = t.Object(
  { name: t.Optional(t.Union([t.String({ maxLength: 80 }), t.Null()], { description: "Optional; up to 80 characters." })) },
  { additionalProperties: false },
);

const Figure = (what: string) =>
  t.Object({
    used: t.Integer({ minimum: 0 }),
    limit: t.Union([t.Integer({ minimum: 1 }), t.Null()], { description: `Most ${what} the plan allows; null is unlimited.` }),
  });

/** The caller's plan and this month's usage, as /api/v1/me/usage answers it. */
export const Usage = t.Object({
  plan: t.String({ description: "Name of the plan, e.g. free or pro.", examples: ["free"] }),
  month: t.String({ description: "Calendar month (UTC) of the figures, YYYY-MM.", examples: ["2026-12"] }),
  resetsAt: t.String({ format: "date-time", description: "When the month's call minutes start again from zero." }),
  rooms: Figure("rooms you may own"),
  minutes: Figure("call minutes a month (counted while a call in one of your rooms has two or more people; written at least once a minute)"),
  participantsPerRoom: t.Integer({ description: "Most people in a call in one of your rooms." }),
  screenShare: t.Boolean({ description: "Whether screen sharing is allowed in your rooms." }),
});
