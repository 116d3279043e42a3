export const SAGA_SETTINGS = Symbol('SAGA_SETTINGS');
