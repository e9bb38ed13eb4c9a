// Test cases for controlgate.javascript.nosql-operator-injection (TypeScript)
import type { Request, Response } from "express";
import { User } from "./models";

export async function login(req: Request, res: Response): Promise<void> {
  // ruleid: controlgate.javascript.nosql-operator-injection
  const user = await User.findOne({ email: req.body.email, password: req.body.password }).exec();
  // ok: controlgate.javascript.nosql-operator-injection
  const same = await User.findOne({ email: String(req.body.email) }).exec();
  res.json({ user, same });
}
