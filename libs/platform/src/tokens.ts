/** Injection token of the validated app config object. */
export const APP_CONFIG = Symbol('APP_CONFIG');
