import { randomInt } from "node:crypto";

/** Letters and digits without look-alikes (0/O, 1/l/I): 56 symbols. */
const ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz";
const LENGTH = 12;

/** Room ids in links: 12 symbols of 56, about 69.7 random bits, so links cannot be guessed. */
export const ROOM_ID_PATTERN = new RegExp(`^[${ALPHABET}]{${LENGTH}}$`);

/** A fresh random room id. */
export function randomRoomId(): string {
  let id = "";
  for (let i = 0; i < LENGTH; i++) id += ALPHABET[randomInt(ALPHABET.length)];
  return id;
}
