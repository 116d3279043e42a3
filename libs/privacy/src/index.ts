export { PiiVault, MasterKeyError, type PrivacyError, FORGOTTEN, UNREADABLE, FORGET_CHANNEL, isSealed, sealField, sealedFields, type SealableEvent, type SealableRequest } from './pii-vault';
