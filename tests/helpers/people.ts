import { signWidgetLogin } from "../../src/auth/telegram.ts";
import { TEST_BOT_TOKEN, TEST_BOT_USERNAME, type TestApp, type TestClient } from "./server.ts";

/** Flags for an app with both Telegram login (for usernames) and dev login. */
export const PEOPLE_FLAGS = ["--dev-login", "--telegram-bot-token", TEST_BOT_TOKEN, "--telegram-bot-username", TEST_BOT_USERNAME];

/** A logged-in person: their client and who they are. */
export interface Person {
  client: TestClient;
  youmeetId: string;
  name: string;
  /** Cookie header of their session (for fetch over a real connection). */
  cookie: string;
}

let nextTelegramId = 7000;

/** Logs someone in through the real Telegram widget check, with a username when given. */
export async function loginPerson(t: TestApp, firstName: string, username?: string, photoUrl?: string): Promise<Person> {
  const client = t.client();
  const fields: Record<string, string> = {
    id: String(nextTelegramId++),
    first_name: firstName,
    auth_date: String(Math.floor(t.clock.now / 1000)),
  };
  if (username) fields.username = username;
  if (photoUrl) fields.photo_url = photoUrl;
  const login = await client.get(`/auth/telegram?${new URLSearchParams(signWidgetLogin(fields, TEST_BOT_TOKEN))}`);
  if (login.status !== 303) throw new Error(`login failed: ${login.status} ${login.text}`);
  await client.get("/dashboard");
  const me = (await client.get("/api/v1/me")).json();
  return { client, youmeetId: me.youmeetId, name: firstName, cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; ") };
}

/** JSON to the API with the page's CSRF token. */
export function api(person: Person, method: string, path: string, json?: unknown) {
  return person.client.send(method, path, { json, headers: { "x-csrf-token": person.client.csrfToken } });
}

/** An htmx form post (the way the dashboard's buttons send it). */
export function htmxPost(person: Person, path: string, form: Record<string, string> = {}, headers: Record<string, string> = {}) {
  return person.client.post(path, form, { headers: { "hx-request": "true", ...headers } });
}
