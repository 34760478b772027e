/**
 * Chinese and English labels. Keys are typed (`MessageKey` is the Chinese dictionary's keys) and the
 * English one must have every key (a type error otherwise); the browser test also checks that both
 * have the same keys and placeholders. WeChat Pay's own field names (out_trade_no...) stay as they are.
 * The chosen language is kept in localStorage and mirrored in `<html lang>`.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import zh from './zh.json';
import enJson from './en.json';

export type MessageKey = keyof typeof zh;
export type Lang = 'zh' | 'en';

const en: Record<MessageKey, string> = enJson;
const DICTS: Record<Lang, Record<MessageKey, string>> = { zh, en };
const STORAGE_KEY = 'partnerpay.lang';

/** The BCP 47 tag of a language, for `<html lang>` and Intl. */
export const LOCALES: Record<Lang, string> = { zh: 'zh-CN', en: 'en-US' };

export function storedLang(): Lang {
  return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh';
}

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

interface LangState {
  lang: Lang;
  setLang: (l: Lang) => void;
  t: Translate;
}

const LangContext = createContext<LangState | null>(null);

function translate(lang: Lang): Translate {
  return (key, vars) => {
    const text = DICTS[lang][key] ?? key;
    return vars ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m)) : text;
  };
}

export function LangProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(storedLang);
  useEffect(() => {
    document.documentElement.lang = LOCALES[lang];
  }, [lang]);
  const setLang = useCallback((l: Lang) => {
    localStorage.setItem(STORAGE_KEY, l);
    setLangState(l);
  }, []);
  const value = useMemo(() => ({ lang, setLang, t: translate(lang) }), [lang, setLang]);
  return <LangContext.Provider value={value}>{children}</LangContext.Provider>;
}

export function useLang(): LangState {
  const s = useContext(LangContext);
  if (!s) throw new Error('useLang outside LangProvider');
  return s;
}

/** `t('nav.orders')`, or `t('feedback.redelivered', {id})`, in the chosen language. */
export function useT(): Translate {
  return useLang().t;
}
