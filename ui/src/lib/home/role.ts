//! Who works at this laptop today, as the home screen asked: the role is kept in the
//! page's localStorage, one per data folder (several "laptops" may share one WebKit
//! profile, as the end-to-end run's do); the name lives in the core (`actingPerson`).

export const ROLES = ["clerk", "expert", "supervisor"] as const;
export type Role = (typeof ROLES)[number];

const PREFIX = "paneldesk.role:";

function key(dataDir: string): string {
  return PREFIX + dataDir;
}

export function rememberedRole(dataDir: string): Role | null {
  const value = globalThis.localStorage?.getItem(key(dataDir));
  return (ROLES as readonly string[]).includes(value ?? "") ? (value as Role) : null;
}

export function rememberRole(dataDir: string, role: Role | null): void {
  if (role) globalThis.localStorage?.setItem(key(dataDir), role);
  else globalThis.localStorage?.removeItem(key(dataDir));
}

/** Whether the role acts under a name (the expert names themself in each panel). */
export function needsName(role: Role): boolean {
  return role !== "expert";
}

/** The home screen's sections, the chosen role's work first. */
export function sectionOrder(role: Role | null): Role[] {
  if (!role) return [...ROLES];
  return [role, ...ROLES.filter((r) => r !== role)];
}
