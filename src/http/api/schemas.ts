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
  displayName: t.Union([t.String(), t.Null()], { description: "The display name you chose (PATCH /me), or null." }),
  name: t.String({ description: "The name others see: your display name, else your Telegram first name." }),
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

/** The body of PATCH /api/v1/me: each field optional; null resets it to Telegram's. */
export const UpdateMe = t.Object(
  {
    displayName: t.Optional(
      t.Union([t.String({ maxLength: 1000 }), t.Null()], {
        description: "The name others see, 1 to 64 characters, no control characters; null shows Telegram's first name again.",
        error: "expected a name of 1 to 64 characters, or null",
      }),
    ),
    language: t.Optional(
      t.Union([t.Literal("en"), t.Literal("ru"), t.Null()], {
        description: "Interface language; null follows Telegram's, then the browser's.",
        error: 'expected "en", "ru" or null',
      }),
    ),
  },
  { additionalProperties: false },
);

/** The account's correctable fields as PATCH /api/v1/me answers them. */
export const Profile = t.Object({
  displayName: t.Union([t.String(), t.Null()], { description: "The display name you chose, or null." }),
  name: t.String({ description: "The name others see: your display name, else your Telegram first name." }),
  language: t.Union([t.Literal("en"), t.Literal("ru"), t.Null()], { description: "The interface language you chose, or null." }),
});

/** The body of DELETE /api/v1/me. */
export const DeleteMe = t.Object({ confirm: t.Literal(true) }, { additionalProperties: false });

/** The export file of GET /api/v1/me/export (its tables follow the database schema). */
export const ExportFile = t.Object({
  format: t.Literal("youmeet-export"),
  version: t.Literal(1),
  exportedAt: t.String({ format: "date-time" }),
  server: t.String(),
  about: t.Array(t.String()),
  account: t.Record(t.String(), t.Any(), { description: "Your row of the accounts table, column by column." }),
  tables: t.Record(t.String(), t.Array(t.Record(t.String(), t.Any())), {
    description: "Every table that refers to your account (directly or through another such row), with your rows; empty tables are listed too.",
  }),
  withheld: t.Record(t.String(), t.Record(t.String(), t.String()), { description: "Columns that exist but are not handed out, and why." }),
});

/** The body of POST /api/v1/feedback; the same limits as the form, checked with its messages. */
export const SendFeedback = t.Object(
  {
    name: t.String({ description: "The sender's name; 1 to 100 characters." }),
    email: t.String({ description: "Where the operator can answer; an email address, up to 254 characters.", examples: ["ada@example.com"] }),
    subject: t.String({ description: "1 to 200 characters." }),
    message: t.String({ description: "1 to 5000 characters; line breaks are kept." }),
  },
  { description: "Other fields are ignored." },
);

/** What POST /api/v1/feedback answers when the message is stored. */
export const FeedbackSent = t.Object({
  id: t.Integer({ description: "The message's number, as the operator sees it." }),
  createdAt: t.String({ format: "date-time" }),
});

/** The 400 answer of POST /api/v1/feedback: the error, and a code and sentence per bad field. */
export const FeedbackInvalid = t.Object({
  error: t.Object({
    code: t.Literal("feedback.invalid"),
    message: t.String({ description: "Every field's sentence, joined." }),
    requestId: t.String(),
    fields: t.Record(
      t.String({ description: "name, email, subject or message." }),
      t.Object({
        code: t.String({ description: "feedback.<field>_required, feedback.<field>_too_long or feedback.email_invalid." }),
        message: t.String(),
      }),
    ),
  }),
});

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
