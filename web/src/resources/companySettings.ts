// A company's sign-in settings (SEC-4: the IP address restriction): the company's own
// (company.settings; a change that would shut out the caller's own address is refused with
// 422 would_lock_out_caller), or, for the provider, any company's (provider.companies).
// The answer carries the caller's address as the server sees it.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { call } from "../api/call";
import { keys } from "../api/keys";
import type { CompanySettingsPatch } from "../api/types";

// companyId null: the logged-in account's own company.
function settingsKey(companyId: string | null) {
  return companyId ? keys.companySettingsOf(companyId) : keys.ownCompanySettings;
}

export function useCompanySettings(companyId: string | null = null, enabled = true) {
  return useQuery({
    queryKey: settingsKey(companyId),
    enabled,
    queryFn: () => (companyId ? call("get", "/companies/{id}/settings", { path: { id: companyId } }) : call("get", "/company/settings")),
  });
}

// The answer is the settings as saved (the list in the server's form: 192.0.2.7 -> 192.0.2.7/32).
export function useUpdateCompanySettings(companyId: string | null = null) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CompanySettingsPatch) =>
      companyId ? call("patch", "/companies/{id}/settings", { path: { id: companyId }, body }) : call("patch", "/company/settings", { body }),
    onSuccess: (settings) => qc.setQueryData(settingsKey(companyId), settings),
  });
}
