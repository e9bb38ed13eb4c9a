// Fake credentials used only to test the rule.

// ruleid: controlgate.secrets.hardcoded-password-javascript
const dbPassword = "Tr0ub4dor&3";
// ruleid: controlgate.secrets.hardcoded-password-javascript
let apiKey = 'a1b2c3d4e5f60718';

const config = {
  host: "db.internal",
  // ruleid: controlgate.secrets.hardcoded-password-javascript
  password: "s3cr3tPa55",
  // ruleid: controlgate.secrets.hardcoded-password-javascript
  "client_secret": "kJ8sLq0PzX2v",
};

// ruleid: controlgate.secrets.hardcoded-password-javascript
config.authToken = `x9Yq2LmN8pQr`;
// ruleid: controlgate.secrets.hardcoded-password-javascript
config["api_key"] = "Zp0Lm9Kq8Xw7";

// ruleid: controlgate.secrets.hardcoded-password-javascript
function connect(user, password = "hunter2hunter2") {
  return { user, password };
}

// ok: controlgate.secrets.hardcoded-password-javascript
const password = process.env.DB_PASSWORD;
// ok: controlgate.secrets.hardcoded-password-javascript
const token = process.env["GITHUB_TOKEN"] || "";
// ok: controlgate.secrets.hardcoded-password-javascript
const secret = "";
// ok: controlgate.secrets.hardcoded-password-javascript
const apiKeyPlaceholder = { apiKey: "<API_KEY>" };
// ok: controlgate.secrets.hardcoded-password-javascript
const tmpl = { password: "${DB_PASSWORD}" };
// ok: controlgate.secrets.hardcoded-password-javascript
const input = { type: "password", name: "password", placeholder: "Your password" };
// ok: controlgate.secrets.hardcoded-password-javascript
const envName = { token: "NPM_TOKEN" };
// ok: controlgate.secrets.hardcoded-password-javascript
const label = { passwordLabel: "Password" };
// ok: controlgate.secrets.hardcoded-password-javascript
const authToken = `Bearer ${token}`;
// ok: controlgate.secrets.hardcoded-password-javascript
if (password === "s3cr3tPa55") { console.log("match"); }
// ok: controlgate.secrets.hardcoded-password-javascript
const theme = { token: "#cccccc", secret: "accessToken" };
// ok: controlgate.secrets.hardcoded-password-javascript
const tokenPattern = { token: "^[a-z0-9]+$" };

// The literal "secret" is a real (weak) key, not a placeholder.
// ruleid: controlgate.secrets.hardcoded-password-javascript
const JWT_SECRET = 'secret';
// ruleid: controlgate.secrets.hardcoded-password-javascript
const SECRET_KEY = "secret";
// ruleid: controlgate.secrets.hardcoded-password-javascript
const signer = { jwtSecret: "secret", expiresIn: "1h" };
app.use(
  session({
    // ruleid: controlgate.secrets.hardcoded-password-javascript
    secret: "keyboard cat",
    resave: false,
  }),
);
// ruleid: controlgate.secrets.hardcoded-password-javascript
const cookieOptions = { cookieSecret: "dev cookie key" };

// ok: controlgate.secrets.hardcoded-password-javascript
const emptySecret = { secret: "" };
// ok: controlgate.secrets.hardcoded-password-javascript
const maskedSecret = { secret: "xxx" };
// ok: controlgate.secrets.hardcoded-password-javascript
const envSecret = { secret: "${SESSION_SECRET}" };
// ok: controlgate.secrets.hardcoded-password-javascript
const angleSecret = { secret: "<session-secret>" };
// ok: controlgate.secrets.hardcoded-password-javascript
const defaultSecret = { secret: "changeme" };
// ok: controlgate.secrets.hardcoded-password-javascript
const hint = { clientSecret: "not set" };
// ok: controlgate.secrets.hardcoded-password-javascript
const proseSecret = { secret: "Enter your session secret here" };
// ok: controlgate.secrets.hardcoded-password-javascript
const phraseOnOther = { description: "keyboard cat" };

// A literal key passed straight to jsonwebtoken.
const jwt = require("jsonwebtoken");
// ruleid: controlgate.secrets.hardcoded-password-javascript
const signed = jwt.sign({ sub: "42" }, "secret", { expiresIn: "1h" });
// ruleid: controlgate.secrets.hardcoded-password-javascript
const claims = jwt.verify(token, "s3cr3t-signing-key", { algorithms: ["HS256"] });
// ok: controlgate.secrets.hardcoded-password-javascript
const fromEnv = jwt.sign({ sub: "42" }, process.env.JWT_SECRET, { expiresIn: "1h" });
// ok: controlgate.secrets.hardcoded-password-javascript
const placeholder = jwt.sign({ sub: "42" }, "<jwt-secret>");
// ok: controlgate.secrets.hardcoded-password-javascript
const rsa = jwt.verify(token, "-----BEGIN PUBLIC KEY-----\nMIIBIjANBg\n-----END PUBLIC KEY-----", { algorithms: ["RS256"] });
