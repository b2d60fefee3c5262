// Profiles (仕向け, DEV-1): what the company's devices get on first contact.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { call, listAll } from "../api/call";
import { keys } from "../api/keys";
import type { Profile, RequestBody } from "../api/types";

export function useProfiles(enabled = true) {
  return useQuery({ queryKey: keys.profiles, queryFn: () => listAll("/profiles"), enabled });
}

// Creates a profile, or replaces what `body` names of an existing one.
export function useSaveProfile(profile: Profile | null) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: RequestBody<"profiles.create">) =>
      profile ? call("patch", "/profiles/{id}", { path: { id: profile.id }, body }) : call("post", "/profiles", { body }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.profiles }),
  });
}

export function useDeleteProfile() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (profile: Profile) => call("delete", "/profiles/{id}", { path: { id: profile.id } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.profiles }),
  });
}
