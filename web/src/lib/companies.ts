// DATA-6: where a company stands after its contract's end. The server deletes an ended company
// in steps over a grace period (its accounts, then its configuration with its devices detached,
// then the company itself); the company shows which step is done (deletion_stage) and when each
// falls (deletion_schedule, null without a contract end date). Once a step is done the company
// cannot be changed any more (409 deletion_in_progress).
import type { Company, DeletionSchedule, DeletionStage } from "../api/types";

export type DeletionStep = "accounts" | "configuration" | "company";

// The step after each stage: stage 0 deletes the accounts next, 1 the configuration, 2 the company.
const NEXT_STEP: Record<DeletionStage, DeletionStep> = { 0: "accounts", 1: "configuration", 2: "company" };

const STEP_TIME: Record<DeletionStep, { at: keyof DeletionSchedule; jst: keyof DeletionSchedule }> = {
  accounts: { at: "accounts_at", jst: "accounts_at_jst" },
  configuration: { at: "configuration_at", jst: "configuration_at_jst" },
  company: { at: "company_at", jst: "company_at_jst" },
};

export interface ContractEndState {
  // The contract's end has passed (00:00 JST after its last day), or the deletion has started.
  ended: boolean;
  // What is deleted already: 0 nothing, 1 the accounts, 2 the configuration too (devices detached).
  stage: DeletionStage;
  // The deletion has started: the company can no longer be changed.
  deleting: boolean;
  // When the contract ends (JST text), from the schedule; null without a contract end date.
  endsAtJst: string | null;
  // The step still to come and when it falls (JST text); `due` once its time has passed (the
  // contract-end job runs it at its next run). Null without a schedule.
  next: { step: DeletionStep; atJst: string; due: boolean } | null;
}

function passed(utc: string, now: number): boolean {
  const ms = Date.parse(utc);
  return !Number.isNaN(ms) && ms <= now;
}

export function contractEndState(company: Pick<Company, "deletion_stage" | "deletion_schedule">, now: number = Date.now()): ContractEndState {
  const stage = company.deletion_stage;
  const schedule = company.deletion_schedule;
  const deleting = stage > 0;
  if (!schedule) return { ended: deleting, stage, deleting, endsAtJst: null, next: null };
  const step = NEXT_STEP[stage];
  const time = STEP_TIME[step];
  return {
    ended: deleting || passed(schedule.ended_at, now),
    stage,
    deleting,
    endsAtJst: schedule.ended_at_jst,
    next: { step, atJst: schedule[time.jst], due: passed(schedule[time.at], now) },
  };
}

// A company under contract: active, and its contract's end (if any) not passed yet.
export function inContract(company: Pick<Company, "status" | "deletion_stage" | "deletion_schedule">, now: number = Date.now()): boolean {
  return company.status === "active" && !contractEndState(company, now).ended;
}
