import { t } from "elysia";

/** A contact as /api/v1/contacts answers it. */
export const Contact = t.Object({
  youmeetId: t.String({ examples: ["k7m-p3q-x9z"] }),
  name: t.String({ description: "First and last name as Telegram gave them." }),
  username: t.Union([t.String(), t.Null()], { description: "Telegram @username without the @." }),
  photoUrl: t.Union([t.String(), t.Null()]),
  online: t.Boolean({ description: "Whether they have a youmeet page open now." }),
  addedAt: t.String({ format: "date-time" }),
});

/** The body of POST /api/v1/contacts: exactly one of the two. */
export const AddContact = t.Object(
  {
    youmeetId: t.Optional(t.String({ maxLength: 64, description: "Any case; spaces and dashes are ignored." })),
    username: t.Optional(t.String({ maxLength: 64, description: "Telegram username, with or without the @." })),
  },
  { additionalProperties: false, description: "Exactly one of youmeetId or username." },
);

/** The body of POST /api/v1/calls. */
export const StartCall = t.Object(
  { youmeetId: t.String({ maxLength: 64, description: "Whom to ring; any case, spaces and dashes are ignored." }) },
  { additionalProperties: false },
);

const CallPerson = t.Object({
  youmeetId: t.String(),
  name: t.String(),
  username: t.Union([t.String(), t.Null()]),
  photoUrl: t.Union([t.String(), t.Null()]),
});

/** A call as /api/v1/calls answers it (and the `call` live event carries). */
export const Call = t.Object({
  id: t.String({ description: "Random id of this call." }),
  state: t.Union([t.Literal("ringing"), t.Literal("accepted"), t.Literal("declined"), t.Literal("missed"), t.Literal("cancelled")], {
    description: "missed: not answered within 30 seconds.",
  }),
  direction: t.Union([t.Literal("outgoing"), t.Literal("incoming")]),
  peer: CallPerson,
  roomUrl: t.Union([t.String(), t.Null()], { description: "The call's room; the callee sees it once they accept." }),
  startedAt: t.String({ format: "date-time" }),
  expiresAt: t.String({ format: "date-time", description: "When it stops ringing if nobody answers." }),
  open: t.Boolean({ description: "Only in live events: true on the caller's page that started the call, once accepted." }),
});
