// Fake credentials used only to test the rule.
export class Client {
  // ruleid: controlgate.secrets.hardcoded-password-javascript
  private readonly apiSecret: string = "q8W3e5R7t9Y1";
  // ok: controlgate.secrets.hardcoded-password-javascript
  private readonly apiToken: string = process.env.API_TOKEN ?? "";
}
