import { createContext, useContext } from 'react';
import type { Me, Role } from './api/types';
import { LOCALES, MESSAGES, NAMES_ZH, type Language, type MessageKey } from './i18n/messages';

export interface Session {
  readonly me: Me;
  readonly language: Language;
  readonly setLanguage: (language: Language) => void;
  readonly signOut: () => void;
}

export const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in console');
  return session;
}

/** The strings, the locale and the role checks of the signed-in console. */
export function useText(): { t: (key: MessageKey) => string; locale: string; name: (value: string | null | undefined) => string; can: (role: Role) => boolean } {
  const { language, me } = useSession();
  const table: Partial<Record<MessageKey, string>> = MESSAGES[language];
  return {
    t: (key) => table[key] ?? MESSAGES.en[key],
    locale: LOCALES[language],
    name: (value) => (value ? (language === 'zh' ? (NAMES_ZH[value] ?? value) : value.replace(/_/g, ' ')) : '—'),
    can: (role) => me.roles.includes(role),
  };
}
