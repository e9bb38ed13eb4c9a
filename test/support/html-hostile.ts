/** Text a PR author or scanned code could write, aimed at every way out of HTML text and attributes. */
export const HOSTILE = `<img src=x onerror=alert(1)>"'><script>alert(2)</script>`;

/** Raw markup that must never survive into the report when HOSTILE was rendered. */
export const RAW = ['<img', '<script>alert', `"'><`];
