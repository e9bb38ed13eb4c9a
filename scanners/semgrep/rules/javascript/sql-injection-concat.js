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

// sequelize, knex fragments, mysql/mysql2 pools, async/await
async function more(req, res, sequelize, knex, mysqlPool) {
  // ruleid: controlgate.javascript.sql-injection-concat
  const [rows] = await sequelize.query(`SELECT * FROM projects WHERE owner = '${req.query.owner}'`);
  // ruleid: controlgate.javascript.sql-injection-concat
  const users = await knex("users").whereRaw("name = '" + req.query.name + "'");
  // ruleid: controlgate.javascript.sql-injection-concat
  const sorted = await knex("users").orderByRaw(`${req.query.sort} desc`);
  const statement = "SELECT id FROM orders WHERE status = '" + req.body.status + "'";
  // ruleid: controlgate.javascript.sql-injection-concat
  const [orders] = await mysqlPool.promise().execute(statement);
  // ruleid: controlgate.javascript.sql-injection-concat
  mysqlPool.query("UPDATE users SET name = '" + req.body.name + "' WHERE id = 1", (err) => res.end());

  // ok: controlgate.javascript.sql-injection-concat
  const safe = await sequelize.query("SELECT * FROM projects WHERE owner = :owner", { replacements: { owner: req.query.owner } });
  // ok: controlgate.javascript.sql-injection-concat
  const safeUsers = await knex("users").whereRaw("name = ?", [req.query.name]);
  // ok: controlgate.javascript.sql-injection-concat
  const fixed = await knex("users").whereRaw("deleted_at IS NULL");
  res.json({ rows, users, sorted, orders, safe, safeUsers, fixed });
}
