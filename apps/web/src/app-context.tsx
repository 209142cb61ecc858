import { createContext, useContext } from 'react';
import type { RuntimeConfig, SessionUser } from './api';

export interface Session {
  token: string;
  user: SessionUser;
}

export interface AppState {
  config: RuntimeConfig;
  session: Session | null;
  signIn: (session: Session) => void;
  signOut: () => void;
  navigate: (path: string) => void;
}

export const AppContext = createContext<AppState>(null as unknown as AppState);
export const useApp = () => useContext(AppContext);

export const hasRole = (session: Session | null, ...roles: string[]) =>
  !!session && session.user.roles.some((role) => roles.includes(role));
