import manifest from '../package.json' with { type: 'json' };

/** controlgate's own version, as recorded in reports and SARIF. */
export const CONTROLGATE_VERSION: string = manifest.version;
export const CONTROLGATE_URI = 'https://github.com/controlgate/controlgate';
