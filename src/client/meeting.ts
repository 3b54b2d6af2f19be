/** The meeting page: pre-join, media, signaling and the call UI (see src/client/meeting/). */
export {};
