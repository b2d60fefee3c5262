// The console's one way to ask before an operation on one item (delete, unlock, reset a
// password): `ask(item)` opens the confirmation; confirming runs the mutation on the item and,
// once it succeeded, closes it, says so (`done`, a toast) and calls `onDone`. A failure stays
// in the dialog. Render `dialog` once in the screen.
//
//   const remove = useConfirmedDelete(useDeleteProfile(), {
//     message: (p) => t("profiles.deleteConfirm", { name: p.name }),
//     done: t("profiles.deleted"),
//   });
//   <Button onClick={() => remove.ask(profile)} /> … {remove.dialog}
import type { UseMutationResult } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useToast } from "./Toast";
import { ConfirmDialog } from "./ui";

export interface Confirmation<T> {
  ask: (item: T) => void;
  dialog: ReactNode;
}

interface ConfirmationOptions<T, R> {
  title: string;
  message: (item: T) => ReactNode;
  confirmLabel: string;
  danger?: boolean;
  done?: string;
  onDone?: (item: T, result: R) => void;
}

export function useConfirmedMutation<T, R>(
  mutation: UseMutationResult<R, Error, T>,
  { title, message, confirmLabel, danger = true, done, onDone }: ConfirmationOptions<T, R>,
): Confirmation<T> {
  const toast = useToast();
  const [target, setTarget] = useState<{ item: T } | null>(null);
  const close = () => {
    setTarget(null);
    mutation.reset();
  };
  const confirm = () => {
    if (!target) return;
    const { item } = target;
    mutation.mutate(item, {
      onSuccess: (result) => {
        setTarget(null);
        if (done) toast(done);
        onDone?.(item, result);
      },
    });
  };
  return {
    ask: (item) => setTarget({ item }),
    dialog: (
      <ConfirmDialog
        open={target !== null}
        title={title}
        message={target ? message(target.item) : ""}
        confirmLabel={confirmLabel}
        danger={danger}
        busy={mutation.isPending}
        error={mutation.error}
        onConfirm={confirm}
        onClose={close}
      />
    ),
  };
}

// A deletion: titled and confirmed with "Delete" unless told otherwise.
export function useConfirmedDelete<T, R>(
  mutation: UseMutationResult<R, Error, T>,
  options: Omit<ConfirmationOptions<T, R>, "title" | "confirmLabel" | "danger"> & { title?: string },
): Confirmation<T> {
  const { t } = useTranslation();
  return useConfirmedMutation(mutation, { title: t("common.delete"), confirmLabel: t("common.delete"), ...options });
}
