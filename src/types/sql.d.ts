/** Migration files are imported as text (`with { type: "text" }`) and embedded. */
declare module "*.sql" {
  const text: string;
  export default text;
}
