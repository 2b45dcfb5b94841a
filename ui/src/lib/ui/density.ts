//! The scoring grid's row density, kept on this laptop like the text size: compact rows fit
//! about twice as many nominees on a screen. Display only.

export const DENSITIES = ["standard", "compact"] as const;
export type Density = (typeof DENSITIES)[number];

export const DENSITY_STORAGE_KEY = "paneldesk.gridDensity";

/** The density chosen last on this laptop, standard if none. */
export function savedDensity(): Density {
  const value = globalThis.localStorage?.getItem(DENSITY_STORAGE_KEY);
  return value === "compact" ? "compact" : "standard";
}

export function keepDensity(density: Density): void {
  globalThis.localStorage?.setItem(DENSITY_STORAGE_KEY, density);
}
