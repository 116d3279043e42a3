import { CreateKeyHandler } from './create-key/create-key.handler';
import { ListKeysHandler } from './list-keys/list-keys.handler';
import { RevokeKeyHandler } from './revoke-key/revoke-key.handler';

/** The handlers of the keys admin API. */
export const KEYS_HANDLERS = [ListKeysHandler, CreateKeyHandler, RevokeKeyHandler];
