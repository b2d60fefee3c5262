// Roles and the permission catalog (SEC-5).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { call, listAll } from "../api/call";
import { keys } from "../api/keys";
import type { Permission, RequestBody, Role } from "../api/types";

export function usePermissionCatalog() {
  return useQuery({
    queryKey: keys.permissions,
    queryFn: async () => (await call("get", "/permissions")).items,
    staleTime: Infinity,
  });
}

export function useRoles(enabled = true) {
  return useQuery({ queryKey: keys.roles, queryFn: () => listAll("/roles"), enabled });
}

export function useCreateRole() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: RequestBody<"roles.create">) => call("post", "/roles", { body }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.roles }),
  });
}

// Saves the permissions of each changed role, one after the other; the matrix shows the saved
// roles before the mutation counts as done.
export function useSaveRolePermissions() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (changes: Array<{ id: string; permissions: string[] }>) => {
      for (const { id, permissions } of changes) await call("patch", "/roles/{id}", { path: { id }, body: { permissions } });
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.roles }),
  });
}

// The accounts that held the role lose it, so their list is read again too.
export function useDeleteRole() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (role: Role) => call("delete", "/roles/{id}", { path: { id: role.id } }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.roles });
      void qc.invalidateQueries({ queryKey: keys.accounts });
    },
  });
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
