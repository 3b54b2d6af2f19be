/**
 * The one error a bad flag, environment variable or combination raises. It lives in its own
 * module so the flag table and the config builder can both throw it without importing each other.
 */

/** A configuration the server refuses to start with; `message` is one sentence for the operator. */
export class ConfigError extends Error {
  /** The process exit code for any configuration error (DESIGN.md §4.7). */
  readonly exitCode = 2;

  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}
