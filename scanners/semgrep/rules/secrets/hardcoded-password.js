// Fake credentials used only to test the rule.

// ruleid: controlgate.secrets.hardcoded-password
const dbPassword = "Tr0ub4dor&3";
// ruleid: controlgate.secrets.hardcoded-password
let apiKey = 'a1b2c3d4e5f60718';

const config = {
  host: "db.internal",
  // ruleid: controlgate.secrets.hardcoded-password
  password: "s3cr3tPa55",
  // ruleid: controlgate.secrets.hardcoded-password
  "client_secret": "kJ8sLq0PzX2v",
};

// ruleid: controlgate.secrets.hardcoded-password
config.authToken = `x9Yq2LmN8pQr`;
// ruleid: controlgate.secrets.hardcoded-password
config["api_key"] = "Zp0Lm9Kq8Xw7";

// ruleid: controlgate.secrets.hardcoded-password
function connect(user, password = "hunter2hunter2") {
  return { user, password };
}

// ok: controlgate.secrets.hardcoded-password
const password = process.env.DB_PASSWORD;
// ok: controlgate.secrets.hardcoded-password
const token = process.env["GITHUB_TOKEN"] || "";
// ok: controlgate.secrets.hardcoded-password
const secret = "";
// ok: controlgate.secrets.hardcoded-password
const apiKeyPlaceholder = { apiKey: "<API_KEY>" };
// ok: controlgate.secrets.hardcoded-password
const tmpl = { password: "${DB_PASSWORD}" };
// ok: controlgate.secrets.hardcoded-password
const input = { type: "password", name: "password", placeholder: "Your password" };
// ok: controlgate.secrets.hardcoded-password
const envName = { token: "NPM_TOKEN" };
// ok: controlgate.secrets.hardcoded-password
const label = { passwordLabel: "Password" };
// ok: controlgate.secrets.hardcoded-password
const authToken = `Bearer ${token}`;
// ok: controlgate.secrets.hardcoded-password
if (password === "s3cr3tPa55") { console.log("match"); }
// ok: controlgate.secrets.hardcoded-password
const theme = { token: "#cccccc", secret: "accessToken" };
// ok: controlgate.secrets.hardcoded-password
const tokenPattern = { token: "^[a-z0-9]+$" };
