/**
 * The chat panel. Lines live only in this page's DOM: never in local storage, cookies or
 * anywhere else, and they are gone when the page goes.
 */

import { t } from "./texts.ts";

/** Longest chat line the protocol accepts. */
const MAX_LENGTH = 2000;

/** The chat side panel: the log, the form and the unread badge. */
export class Chat {
  private unread = 0;

  /** Wires the form; `send` relays a line, returning false when it could not go out. */
  constructor(
    private readonly log: HTMLOListElement,
    private readonly form: HTMLFormElement,
    private readonly input: HTMLInputElement,
    private readonly badge: HTMLElement,
    private readonly isOpen: () => boolean,
    private readonly send: (text: string) => boolean,
  ) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = input.value.trim().slice(0, MAX_LENGTH);
      if (!text) return;
      if (this.send(text)) input.value = "";
    });
  }

  /** Shows a line from someone (ours too: the server relays it back to everyone). */
  add(line: { from: string; name: string; text: string; at: string }, mine: boolean): void {
    const item = document.createElement("li");
    item.className = mine ? "chat-line mine" : "chat-line";
    item.dataset.from = line.from;
    const head = document.createElement("span");
    head.className = "chat-meta";
    const who = document.createElement("b");
    who.textContent = line.name;
    const time = document.createElement("time");
    time.dateTime = line.at;
    const at = new Date(line.at);
    time.textContent = Number.isNaN(at.getTime()) ? "" : at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    head.append(who, " ", time);
    const body = document.createElement("p");
    body.className = "chat-text";
    body.textContent = line.text;
    item.append(head, body);
    this.append(item);
    if (!mine && !this.isOpen()) this.setUnread(this.unread + 1);
  }

  /** A quiet line about the call (someone joined or left). */
  notice(text: string): void {
    const item = document.createElement("li");
    item.className = "chat-notice hint";
    item.textContent = text;
    this.append(item);
  }

  /** The panel was opened: nothing is unread any more. */
  opened(): void {
    this.setUnread(0);
    this.input.focus();
  }

  /** Forgets every line (a new call on this page). */
  clear(): void {
    this.log.replaceChildren();
    const empty = document.createElement("li");
    empty.className = "chat-empty hint";
    empty.textContent = t("room.chat.empty");
    this.log.append(empty);
    this.setUnread(0);
  }

  private append(item: HTMLLIElement): void {
    this.log.querySelector(".chat-empty")?.remove();
    const nearBottom = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 40;
    this.log.append(item);
    if (nearBottom) this.log.scrollTop = this.log.scrollHeight;
  }

  private setUnread(count: number): void {
    this.unread = count;
    this.badge.hidden = count === 0;
    this.badge.textContent = count > 99 ? "99+" : String(count);
  }
}
