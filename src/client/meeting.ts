/**
 * The meeting page (/r/<id>): pre-join, then the call. The modules in ./meeting/ each do
 * one job; this entry reads the page's data attributes and hands over between them.
 */

import { Call } from "./meeting/call.ts";
import { Prejoin, type JoinRequest } from "./meeting/prejoin.ts";
import { loadTexts, t } from "./meeting/texts.ts";

function csrfToken(): string {
  return document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? "";
}

/** A guest pass for this room and when it stops being valid (ms since the epoch). */
interface GuestPass {
  token: string;
  expiresAt: number;
}

/** Asks the server for a guest pass for this room; throws a sentence for the person. */
async function fetchGuestPass(roomId: string, name: string): Promise<GuestPass> {
  const response = await fetch(`/r/${encodeURIComponent(roomId)}/guest`, {
    method: "POST",
    credentials: "same-origin",
    headers: { "content-type": "application/json", "x-csrf-token": csrfToken(), accept: "application/json" },
    body: JSON.stringify({ name }),
  });
  const body = (await response.json().catch(() => null)) as { token?: string; expiresAt?: string; error?: { message?: string } } | null;
  if (!response.ok || !body?.token) throw new Error(body?.error?.message ?? `HTTP ${response.status}`);
  return { token: body.token, expiresAt: Date.parse(body.expiresAt ?? "") || 0 };
}

/** Reconnects use the pass again while it is valid for another minute. */
const PASS_MARGIN_MS = 60_000;

function main(): void {
  const root = document.getElementById("meeting");
  if (!root) return;
  loadTexts(root);
  const roomId = root.dataset.roomId ?? "";
  const isOwner = root.dataset.isOwner === "true";
  let call: Call | null = null;

  const join = async (request: JoinRequest): Promise<string | null> => {
    let guestToken: (() => Promise<string>) | null = null;
    if (request.guestName !== null) {
      const name = request.guestName;
      let pass: GuestPass;
      try {
        pass = await fetchGuestPass(roomId, name);
      } catch (error) {
        return t("room.guest.failed", { message: (error as Error).message });
      }
      // Reconnects reuse the pass: the server then knows it is the same guest (back into a
      // locked room, in place of the connection that dropped). Only an expiring one is renewed.
      guestToken = async () => {
        if (pass.expiresAt - Date.now() < PASS_MARGIN_MS) pass = await fetchGuestPass(roomId, name);
        return pass.token;
      };
    }
    call = new Call(root, { roomId, isOwner, guestToken }, request.media);
    call.start();
    return null;
  };

  const prejoin = new Prejoin(root, join, (sinkId) => call?.setSpeaker(sinkId));
  void prejoin.start();

  root.addEventListener("click", (event) => {
    const action = (event.target as Element).closest<HTMLElement>("[data-action]");
    if (!action) return;
    if (action.dataset.action === "rejoin") location.reload();
    if (action.dataset.action === "dismiss") action.closest<HTMLElement>("[data-banner]")?.setAttribute("hidden", "");
  });
  // Closing the tab or navigating away leaves the call at once for the others.
  window.addEventListener("pagehide", () => call?.leave(false));
}

main();
