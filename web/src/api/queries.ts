// Query keys and fetchers shared by the screens (TanStack Query).
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, fetchAll, type Page } from "./client";
import type { Permission, Role } from "./types";

export const keys = {
  permissions: ["permissions"] as const,
  roles: ["roles"] as const,
  accounts: ["accounts"] as const,
  companies: ["companies"] as const,
  lockedAccounts: ["locked-accounts"] as const,
  audit: (scope: string, filter: unknown) => ["audit", scope, filter] as const,
  devices: (query: unknown) => ["devices", query] as const,
  device: (id: string) => ["device", id] as const,
  deviceParameters: (id: string) => ["device", id, "parameters"] as const,
  deviceTasks: (id: string) => ["device", id, "tasks"] as const,
  deviceGroups: ["device-groups"] as const,
  job: (id: string) => ["job", id] as const,
  profiles: ["profiles"] as const,
  firmware: ["firmware"] as const,
  refusedDevices: ["refused-devices"] as const,
  allocations: ["allocations"] as const,
  allocationList: (filter: unknown) => ["allocations", "list", filter] as const,
  allocation: (id: string) => ["allocations", "one", id] as const,
};

export function usePermissionCatalog() {
  return useQuery({
    queryKey: keys.permissions,
    queryFn: async () => (await api<Page<Permission>>("/permissions")).items,
    staleTime: Infinity,
  });
}

export function useRoles(enabled = true) {
  return useQuery({ queryKey: keys.roles, queryFn: () => fetchAll<Role>("/roles"), enabled });
}

// A role's or permission's name in the UI language.
export function useLabels() {
  const { i18n } = useTranslation();
  const en = i18n.language === "en";
  return {
    role: (r: Role) => (en && r.name_en ? r.name_en : r.name),
    permission: (p: Permission) => (en ? p.label_en : p.label_ja),
  };
}
