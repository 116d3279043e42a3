import { CreateKeyHandler } from './create-key/create-key.handler';
import { ListKeysHandler } from './list-keys/list-keys.handler';
import { RevokeKeyHandler } from './revoke-key/revoke-key.handler';
import { WhoAmIHandler } from './who-am-i/who-am-i.handler';

/** The handlers of the keys admin API, and of GET /v1/me. */
export const KEYS_HANDLERS = [ListKeysHandler, CreateKeyHandler, RevokeKeyHandler, WhoAmIHandler];
