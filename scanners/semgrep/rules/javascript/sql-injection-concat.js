const mysql = require("mysql2/promise");
const { Pool } = require("pg");

const pool = new Pool();
const TABLE = "users";

async function bad(req, conn, knex, prisma) {
  const id = req.params.id;
  // ruleid: controlgate.javascript.sql-injection-concat
  await pool.query(`SELECT * FROM users WHERE id = ${id}`);
  // ruleid: controlgate.javascript.sql-injection-concat
  await conn.execute("SELECT * FROM users WHERE email = '" + req.body.email + "'");
  // ruleid: controlgate.javascript.sql-injection-concat
  await knex.raw("DELETE FROM sessions WHERE user_id = " + id);
  // ruleid: controlgate.javascript.sql-injection-concat
  await prisma.$queryRawUnsafe(`SELECT * FROM posts ORDER BY ${req.query.sort}`);
  const sql = "UPDATE users SET name = '" + req.body.name + "' WHERE id = " + id;
  // ruleid: controlgate.javascript.sql-injection-concat
  await pool.query(sql);
}

async function good(req, conn, es) {
  const id = req.params.id;
  // ok: controlgate.javascript.sql-injection-concat
  await pool.query("SELECT * FROM users WHERE id = $1", [id]);
  // ok: controlgate.javascript.sql-injection-concat
  await conn.execute("SELECT * FROM users WHERE email = ?", [req.body.email]);
  // ok: controlgate.javascript.sql-injection-concat
  await pool.query(`SELECT * FROM users`);
  // ok: controlgate.javascript.sql-injection-concat
  await pool.query("SELECT * FROM " + TABLE + " WHERE active = true");
  // ok: controlgate.javascript.sql-injection-concat
  await es.query(`index-${req.query.day}`);
  // ok: controlgate.javascript.sql-injection-concat
  const params = new URLSearchParams(`q=${req.query.q}`);
  return params;
}

async function moreGood(req, logger) {
  // ok: controlgate.javascript.sql-injection-concat
  await pool.query(buildSafeQuery("SELECT * FROM users WHERE " + req.query.col + " = ?"), [req.params.id]);
  // ok: controlgate.javascript.sql-injection-concat
  await pool.query("SELECT * FROM users WHERE id = ?", [req.params.id], (err) => logger.warn("query failed for " + req.params.id));
}
