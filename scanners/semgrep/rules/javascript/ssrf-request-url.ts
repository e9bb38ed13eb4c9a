// Test cases for controlgate.javascript.ssrf-request-url (TypeScript)
import type { Request, Response } from "express";
import axios from "axios";

export const preview = async (req: Request, res: Response): Promise<void> => {
  const target: string = String(req.query.url);
  // ruleid: controlgate.javascript.ssrf-request-url
  const page = await axios.get(target);
  // ok: controlgate.javascript.ssrf-request-url
  const fixed = await axios.get("https://status.example.com/v1/health");
  // Known gap: a call with explicit type arguments is not matched.
  // todoruleid: controlgate.javascript.ssrf-request-url
  const typed = await axios.get<string>(target);
  res.json({ size: page.data.length + fixed.data.length + typed.data.length });
};
