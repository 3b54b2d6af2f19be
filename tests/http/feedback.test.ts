import { afterEach, describe, expect, test } from "bun:test";
import { FEEDBACK_PER_HOUR } from "../../src/http/pages/feedback.ts";
import { countRows, startTestApp, type TestApp, type TestClient } from "../helpers/server.ts";

let t: TestApp;
afterEach(() => t?.close());

const GOOD = { name: "Ada Lovelace", email: "ada@example.com", subject: "Echo in calls", message: "First line.\nSecond line." };
const HOUR = 60 * 60 * 1000;

type Field = keyof typeof GOOD;
/** One bad input: what is sent instead of the good value, and the sentence it must answer. */
const BAD: Array<{ what: string; field: Field; value: string | undefined; message: string; code: string }> = [
  { what: "an empty name", field: "name", value: "", message: "Enter your name.", code: "feedback.name_required" },
  { what: "a name of spaces", field: "name", value: "   \t ", message: "Enter your name.", code: "feedback.name_required" },
  { what: "a missing name", field: "name", value: undefined, message: "Enter your name.", code: "feedback.name_required" },
  { what: "a too long name", field: "name", value: "n".repeat(101), message: "This is 101 characters long; keep it to 100.", code: "feedback.name_too_long" },
  { what: "an empty email", field: "email", value: "", message: "Enter your email address, so the operator can answer you.", code: "feedback.email_required" },
  { what: "an email without @", field: "email", value: "ada.example.com", message: "This is not an email address; check it (it looks like name@example.com).", code: "feedback.email_invalid" },
  { what: "an email without a domain dot", field: "email", value: "ada@example", message: "This is not an email address", code: "feedback.email_invalid" },
  { what: "an email with a space", field: "email", value: "ada love@example.com", message: "This is not an email address", code: "feedback.email_invalid" },
  { what: "an email with two @", field: "email", value: "ada@@example.com", message: "This is not an email address", code: "feedback.email_invalid" },
  { what: "a too long email", field: "email", value: `${"a".repeat(250)}@example.com`, message: "This is 262 characters long; keep it to 254.", code: "feedback.email_too_long" },
  { what: "an empty subject", field: "subject", value: "", message: "Enter a subject.", code: "feedback.subject_required" },
  { what: "a too long subject", field: "subject", value: "s".repeat(201), message: "This is 201 characters long; keep it to 200.", code: "feedback.subject_too_long" },
  { what: "an empty message", field: "message", value: " \n\n ", message: "Write your message.", code: "feedback.message_required" },
  { what: "a too long message", field: "message", value: "m".repeat(5001), message: "This is 5001 characters long; keep it to 5000.", code: "feedback.message_too_long" },
];

function withBad(field: Field, value: string | undefined): Record<string, string> {
  const form: Record<string, string> = { ...GOOD };
  if (value === undefined) delete form[field];
  else form[field] = value;
  return form;
}

/** A visitor who opened the form (so has its token). */
async function visitor(logIn?: string): Promise<TestClient> {
  const client = t.client();
  if (logIn) await client.devLogin(logIn);
  await client.get("/feedback");
  return client;
}

function apiSend(client: TestClient, body: unknown, headers: Record<string, string> = {}) {
  return client.send("POST", "/api/v1/feedback", { json: body, headers: { "x-csrf-token": client.csrfToken, ...headers } });
}

function storedFeedback() {
  return t.db.query("SELECT account_id, name, email, subject, message, created_at FROM feedback ORDER BY id").all() as Array<Record<string, unknown>>;
}

describe("feedback form", () => {
  test("every page links to the form; anyone may open it; a logged-in sender's name is filled in", async () => {
    t = await startTestApp();
    const client = t.client();
    for (const path of ["/", "/login", "/privacy", "/feedback", "/no/such/page"]) {
      expect((await client.get(path)).text).toContain('<a href="/feedback">Feedback</a>');
    }
    const page = await client.get("/feedback");
    expect(page.status).toBe(200);
    for (const field of ["name", "email", "subject", "message"]) expect(page.text).toContain(`name="${field}"`);
    expect(page.text).toContain('value=""');
    expect(page.text).toContain('maxlength="5000"');
    expect(page.text).toContain('hx-post="/feedback"');
    expect(page.text).toContain('action="/feedback"');

    const ada = await visitor("Ada <b>");
    const mine = await ada.get("/feedback");
    expect(mine.text).toContain('id="feedback-name" name="name"');
    expect(mine.text).toContain('value="Ada &lt;b&gt;"');
    expect(mine.text).toContain('<a href="/feedback">Feedback</a>');
  });

  test("a plain post stores the message with its date and redirects to the confirmation", async () => {
    t = await startTestApp();
    const client = await visitor();
    const sent = await client.post("/feedback", GOOD);
    expect(sent.status).toBe(303);
    expect(sent.headers.get("location")).toBe("/feedback/sent");
    const thanks = await client.get("/feedback/sent");
    expect(thanks.status).toBe(200);
    expect(thanks.text).toContain("Your message was sent to the operator of this server.");
    expect(storedFeedback()).toEqual([
      { account_id: null, name: GOOD.name, email: GOOD.email, subject: GOOD.subject, message: GOOD.message, created_at: t.clock.now },
    ]);
  });

  test("with htmx the form is swapped for the confirmation fragment; a logged-in sender's account is kept with it", async () => {
    t = await startTestApp();
    const ada = await visitor("Ada");
    const sent = await ada.post("/feedback", GOOD, { headers: { "hx-request": "true" } });
    expect(sent.status).toBe(200);
    expect(sent.text).not.toContain("<!doctype html>");
    expect(sent.text).toContain('id="feedback"');
    expect(sent.text).toContain("Thank you");
    const accountId = (t.db.query("SELECT id FROM accounts").get() as { id: number }).id;
    expect(storedFeedback()).toMatchObject([{ account_id: accountId, name: GOOD.name }]);
  });

  test("text is cleaned, not refused: control characters dropped, line breaks of the message kept, emoji counted as one", async () => {
    t = await startTestApp();
    const client = await visitor();
    const name = "😀".repeat(100);
    const sent = await client.post("/feedback", { ...GOOD, name, subject: "  Two\r\n lines \u001b[31m ", message: "a\r\nb\u0007\n\tc  " });
    expect(sent.status).toBe(303);
    expect(storedFeedback()).toMatchObject([{ name, subject: "Two lines [31m", message: "a\nb\n\tc" }]);
  });

  for (const bad of BAD) {
    test(`${bad.what} re-shows the form with its message and the input kept, and stores nothing`, async () => {
      t = await startTestApp();
      const client = await visitor();
      const form = withBad(bad.field, bad.value);
      const answer = await client.post("/feedback", form);
      expect(answer.status).toBe(400);
      expect(answer.text).toContain("<!doctype html>");
      expect(answer.text).toContain("Please correct the fields marked below; nothing was sent yet.");
      expect(answer.text).toContain(`<span class="field-error" id="feedback-${bad.field}-error">${bad.message}`);
      expect(answer.text).toContain(`id="feedback-${bad.field}" name="${bad.field}"`);
      expect(answer.text.match(/class="field-error"/g)).toHaveLength(1);
      // Every other value comes back as typed.
      for (const field of Object.keys(GOOD) as Field[]) {
        if (field === bad.field) continue;
        expect(answer.text).toContain(field === "message" ? `>${GOOD.message}</textarea>` : `value="${GOOD[field]}"`);
      }
      if (bad.value && bad.field !== "message") expect(answer.text).toContain(`value="${bad.value}"`);
      const htmx = await client.post("/feedback", form, { headers: { "hx-request": "true" } });
      expect(htmx.status).toBe(400);
      expect(htmx.text).not.toContain("<!doctype html>");
      expect(htmx.text).toContain(bad.message);
      expect(countRows(t.db, "feedback")).toBe(0);
    });
  }

  test("an empty form names every field; what was typed is escaped when shown again", async () => {
    t = await startTestApp();
    const client = await visitor();
    const answer = await client.post("/feedback", { subject: '"><script>alert(1)</script>' });
    expect(answer.status).toBe(400);
    for (const message of ["Enter your name.", "Enter your email address", "Write your message."]) expect(answer.text).toContain(message);
    expect(answer.text).not.toContain("<script>alert(1)</script>");
    expect(answer.text).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(countRows(t.db, "feedback")).toBe(0);
  });

  test("the messages come in the visitor's language", async () => {
    t = await startTestApp();
    const client = t.client();
    const ru = { "accept-language": "ru-RU,ru;q=0.9" };
    await client.get("/feedback", ru);
    const answer = await client.post("/feedback", { ...GOOD, email: "nope" }, { headers: ru });
    expect(answer.status).toBe(400);
    expect(answer.text).toContain("Это не адрес электронной почты");
    expect(answer.text).toContain("Исправьте отмеченные ниже поля");
    expect(countRows(t.db, "feedback")).toBe(0);
  });

  test("a post without the form token is refused and stores nothing", async () => {
    t = await startTestApp();
    const client = await visitor();
    const answer = await client.post("/feedback", { ...GOOD, _csrf: "forged" });
    expect(answer.status).toBe(403);
    const api = await apiSend(client, GOOD, { "x-csrf-token": "" });
    expect(api.status).toBe(403);
    expect(countRows(t.db, "feedback")).toBe(0);
  });
});

describe("POST /api/v1/feedback", () => {
  test("stores the message, with or without a login, and answers its id and date", async () => {
    t = await startTestApp();
    const anonymous = await visitor();
    const sent = await apiSend(anonymous, GOOD);
    expect(sent.status).toBe(201);
    expect(sent.json()).toEqual({ id: 1, createdAt: new Date(t.clock.now).toISOString() });
    const ada = await visitor("Ada");
    expect((await apiSend(ada, GOOD)).status).toBe(201);
    expect(storedFeedback().map((row) => row.account_id === null)).toEqual([true, false]);
  });

  for (const bad of BAD) {
    test(`${bad.what} answers 400 ${bad.code} and stores nothing`, async () => {
      t = await startTestApp();
      const client = await visitor();
      const answer = await apiSend(client, withBad(bad.field, bad.value));
      expect(answer.status).toBe(400);
      const error = answer.json().error;
      if (bad.value === undefined) {
        // A field the JSON contract requires is a malformed request, said as such.
        expect(error.code).toBe("request.invalid");
        expect(error.message).toContain(`"${bad.field}"`);
      } else {
        expect(error.code).toBe("feedback.invalid");
        expect(Object.keys(error.fields)).toEqual([bad.field]);
        expect(error.fields[bad.field].code).toBe(bad.code);
        expect(error.fields[bad.field].message).toContain(bad.message);
        expect(error.message).toContain(bad.message);
      }
      expect(countRows(t.db, "feedback")).toBe(0);
    });
  }

  test("wrong types and a body that is not a JSON object are refused with a sentence", async () => {
    t = await startTestApp();
    const client = await visitor();
    for (const body of [{ ...GOOD, name: 42 }, "not json", null, []]) {
      const answer = await apiSend(client, body);
      expect(answer.status).toBe(400);
      expect(answer.json().error.message).toMatch(/\.$/);
    }
    const raw = await client.send("POST", "/api/v1/feedback", { body: "{", headers: { "content-type": "application/json", "x-csrf-token": client.csrfToken } });
    expect(raw.status).toBe(400);
    expect(countRows(t.db, "feedback")).toBe(0);
  });

  test("the OpenAPI document describes it", async () => {
    t = await startTestApp();
    const document = (await t.client().get("/api/v1/openapi.json")).json();
    expect(document.paths["/feedback"].post.operationId).toBe("sendFeedback");
    expect(document.components.schemas.SendFeedback.required).toEqual(["name", "email", "subject", "message"]);
  });
});

describe("feedback rate limit", () => {
  test(`${FEEDBACK_PER_HOUR} messages an hour per address, form and API together; the next is refused with the input kept; mistakes do not count`, async () => {
    t = await startTestApp();
    const client = await visitor();
    for (let i = 0; i < 2 * FEEDBACK_PER_HOUR; i++) expect((await client.post("/feedback", { ...GOOD, email: "bad" })).status).toBe(400);
    for (let i = 0; i < FEEDBACK_PER_HOUR - 1; i++) expect((await client.post("/feedback", GOOD)).status).toBe(303);
    expect((await apiSend(client, GOOD)).status).toBe(201);
    expect(countRows(t.db, "feedback")).toBe(FEEDBACK_PER_HOUR);

    const refused = await client.post("/feedback", { ...GOOD, subject: "One more" });
    expect(refused.status).toBe(429);
    expect(refused.text).toContain("You have sent several messages in a short time; wait 60 minutes and send this one again. Nothing was sent.");
    expect(refused.text).toContain('value="One more"');
    const htmx = await client.post("/feedback", GOOD, { headers: { "hx-request": "true" } });
    expect(htmx.status).toBe(429);
    expect(htmx.text).not.toContain("<!doctype html>");
    const api = await apiSend(client, GOOD);
    expect(api.status).toBe(429);
    expect(api.json().error.code).toBe("feedback.rate_limited");
    expect(Number(api.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(countRows(t.db, "feedback")).toBe(FEEDBACK_PER_HOUR);

    t.clock.now += HOUR;
    expect((await client.post("/feedback", GOOD)).status).toBe(303);
    expect(countRows(t.db, "feedback")).toBe(FEEDBACK_PER_HOUR + 1);
  });
});

describe("privacy page on feedback", () => {
  test("says what a message keeps, that it goes with the account, and the period the server applies", async () => {
    t = await startTestApp(["--retention-feedback-days", "45"]);
    const page = (await t.client().get("/privacy")).text;
    expect(page).toContain("the name, email address, subject and message you type, and when you sent it");
    expect(page).toContain("it is linked to your account and deleted with it");
    expect(page).toContain("Feedback messages are deleted 45 days after they were sent (the server checks every hour)");
    const ru = (await t.client().get("/privacy", { "accept-language": "ru" })).text;
    expect(ru).toContain("Отзывы удаляются через 45 дней после отправки");
  });
});
