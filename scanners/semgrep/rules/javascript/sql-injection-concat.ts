import { Client } from "pg";

export async function findUser(client: Client, name: string) {
  // ruleid: controlgate.javascript.sql-injection-concat
  const res = await client.query(`SELECT id FROM users WHERE name = '${name}'`);
  // ok: controlgate.javascript.sql-injection-concat
  const safe = await client.query("SELECT id FROM users WHERE name = $1", [name]);
  return [res, safe];
}
