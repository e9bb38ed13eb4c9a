// Deploy settings for the storefront. Every credential below is a published
// example value or an obviously fake placeholder; none of them works anywhere.
module.exports = {
  aws: {
    region: "us-east-1",
    // AWS's documented example key pair.
    accessKeyId: "AKIAZ7Q3DEMOFAKEK3Y9",
    secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  },
  // Fake GitHub personal access token (matches the ghp_ format only).
  githubToken: "ghp_FAKEFAKEFAKE0NOT0A0REAL0TOKEN0DEMO00",
  db: {
    host: "db.internal",
    user: "storefront",
    password: "Storefront-Demo-Only-Not-Real",
  },
};
