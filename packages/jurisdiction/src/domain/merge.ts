import type { SettingsOverride } from "./types.js";

type Plain = Record<string, unknown>;

function isPlainRecord(value: unknown): value is Plain {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A fresh copy of `base` with `override` applied: arrays and tagged values (objects with `kind`) are replaced whole,
 * so a union member never keeps a stray field of another; plain records merge key by key.
 */
export function applyOverride<T>(base: T, override: SettingsOverride<T> | undefined): T {
  return merge(base, override) as T;
}

function merge(base: unknown, override: unknown): unknown {
  if (override === undefined) return copy(base);
  if (!isPlainRecord(override) || "kind" in override || !isPlainRecord(base)) return copy(override);
  const out: Plain = {};
  for (const key of Object.keys(base)) out[key] = merge(base[key], override[key]);
  for (const key of Object.keys(override)) if (!(key in base)) out[key] = copy(override[key]);
  return out;
}

function copy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copy);
  if (isPlainRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copy(v)]));
  return value;
}

/** Freezes a value and everything reachable from it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
