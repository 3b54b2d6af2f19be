import type { Stores } from "../store/index.ts";

/** Longest value of each field, in characters. */
export const FEEDBACK_LIMITS = { name: 100, email: 254, subject: 200, message: 5000 } as const;

/** A field of the feedback form. */
export type FeedbackField = keyof typeof FEEDBACK_LIMITS;

/** The fields in the order the form shows them and errors are listed. */
export const FEEDBACK_FIELDS = Object.keys(FEEDBACK_LIMITS) as FeedbackField[];

/** What can be wrong with one field. */
export type FeedbackProblem = { kind: "required" } | { kind: "too_long"; max: number; length: number } | { kind: "email_invalid" };

/** What the sender typed; any field may be missing when a client sends less than the form. */
export type FeedbackInput = Partial<Record<FeedbackField, string>>;

/** A message that passed the checks, cleaned up. */
export type FeedbackValues = Record<FeedbackField, string>;

/** The checks' verdict: clean values, or a problem per field that has one. */
export type FeedbackCheck =
  | { ok: true; values: FeedbackValues }
  | { ok: false; problems: Partial<Record<FeedbackField, FeedbackProblem>> };

// A deliberately plain shape (something@domain.tld, no spaces or brackets): a stricter
// pattern refuses real addresses, and the operator only needs somewhere to reply to.
const EMAIL = /^[^\s@<>"(),;:]+@[^\s@<>"(),;:]+\.[^\s@<>"(),;:.]+$/;
// Control characters would reach the operator's terminal in `youmeet admin feedback show`;
// nobody types them into a form, so they are dropped (newlines and tabs of the message stay).
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/** One line: control characters dropped, runs of whitespace made one space, ends trimmed. */
function oneLine(text: string): string {
  return text.replace(CONTROL, "").replace(/\s+/g, " ").trim();
}

/** Several lines: control characters dropped, Windows line ends made \n, ends trimmed. */
function paragraphs(text: string): string {
  return text.replace(/\r\n?/g, "\n").replace(CONTROL, "").trim();
}

/** Cleans up and checks what the sender typed. */
export function checkFeedback(input: FeedbackInput): FeedbackCheck {
  const values: FeedbackValues = {
    name: oneLine(input.name ?? ""),
    email: oneLine(input.email ?? ""),
    subject: oneLine(input.subject ?? ""),
    message: paragraphs(input.message ?? ""),
  };
  const problems: Partial<Record<FeedbackField, FeedbackProblem>> = {};
  for (const field of FEEDBACK_FIELDS) {
    // Characters as people count them: an emoji is one, not two UTF-16 units.
    const length = [...values[field]].length;
    if (length === 0) problems[field] = { kind: "required" };
    else if (length > FEEDBACK_LIMITS[field]) problems[field] = { kind: "too_long", max: FEEDBACK_LIMITS[field], length };
  }
  if (!problems.email && !EMAIL.test(values.email)) problems.email = { kind: "email_invalid" };
  return Object.keys(problems).length > 0 ? { ok: false, problems } : { ok: true, values };
}

/** Feedback: stores checked messages with their date and, when logged in, the sender's account. */
export class FeedbackService {
  constructor(
    private readonly stores: Stores,
    private readonly now: () => number = Date.now,
  ) {}

  /** Stores a message that passed checkFeedback; returns its id and date. */
  submit(values: FeedbackValues, accountId: number | null): { id: number; createdAt: number } {
    const createdAt = this.now();
    const id = this.stores.feedback.insert({ ...values, accountId, createdAt });
    return { id, createdAt };
  }
}
