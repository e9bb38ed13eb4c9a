// Test cases for controlgate.javascript.path-traversal (TypeScript)
import type { Request, Response } from "express";
import { readFile } from "node:fs/promises";
import path from "node:path";

const BASE = "/srv/files";

export async function download(incoming: Request, res: Response): Promise<void> {
  // ruleid: controlgate.javascript.path-traversal
  const body = await readFile(path.join(BASE, incoming.params.name as string));
  // ok: controlgate.javascript.path-traversal
  const safe = await readFile(path.join(BASE, path.basename(String(incoming.params.name))));
  res.send(Buffer.concat([body, safe]));
}
