import { contractEndState, inContract } from "./companies";

const schedule = {
  ended_at: "2025-04-01T15:00:00.000Z",
  ended_at_jst: "2025-04-02 00:00:00 JST",
  accounts_at: "2025-04-11T15:00:00.000Z",
  accounts_at_jst: "2025-04-12 00:00:00 JST",
  configuration_at: "2025-04-21T15:00:00.000Z",
  configuration_at_jst: "2025-04-22 00:00:00 JST",
  company_at: "2025-05-01T15:00:00.000Z",
  company_at_jst: "2025-05-02 00:00:00 JST",
};
const at = (utc: string) => Date.parse(utc);

describe("contract end (DATA-6)", () => {
  it("has nothing to show without a contract end date", () => {
    expect(contractEndState({ deletion_stage: 0, deletion_schedule: null })).toEqual({
      ended: false,
      stage: 0,
      deleting: false,
      endsAtJst: null,
      next: null,
    });
  });
  it("before the end: when the contract ends, and the accounts as the first step", () => {
    const s = contractEndState({ deletion_stage: 0, deletion_schedule: schedule }, at("2025-04-01T14:59:59Z"));
    expect(s.ended).toBe(false);
    expect(s.deleting).toBe(false);
    expect(s.endsAtJst).toBe("2025-04-02 00:00:00 JST");
    expect(s.next).toEqual({ step: "accounts", atJst: "2025-04-12 00:00:00 JST", due: false });
  });
  it("from 00:00 JST after the last day the contract has ended, still changeable until a step is done", () => {
    const s = contractEndState({ deletion_stage: 0, deletion_schedule: schedule }, at("2025-04-01T15:00:00Z"));
    expect(s.ended).toBe(true);
    expect(s.deleting).toBe(false);
    // The step's time passed but the job has not run yet: due.
    expect(contractEndState({ deletion_stage: 0, deletion_schedule: schedule }, at("2025-04-12T00:00:00Z")).next?.due).toBe(true);
  });
  it("names the step after the one done, with its JST time", () => {
    const one = contractEndState({ deletion_stage: 1, deletion_schedule: schedule }, at("2025-04-12T00:00:00Z"));
    expect(one).toMatchObject({ ended: true, deleting: true, next: { step: "configuration", atJst: "2025-04-22 00:00:00 JST", due: false } });
    const two = contractEndState({ deletion_stage: 2, deletion_schedule: schedule }, at("2025-05-02T00:00:00Z"));
    expect(two).toMatchObject({ ended: true, deleting: true, next: { step: "company", atJst: "2025-05-02 00:00:00 JST", due: true } });
  });
  it("a deletion under way has ended the contract whatever the clock says", () => {
    expect(contractEndState({ deletion_stage: 1, deletion_schedule: schedule }, at("2020-01-01T00:00:00Z")).ended).toBe(true);
  });
  it("counts a company as under contract only while active and before its end", () => {
    const c = { status: "active" as const, deletion_stage: 0 as const, deletion_schedule: schedule };
    expect(inContract(c, at("2025-04-01T00:00:00Z"))).toBe(true);
    expect(inContract(c, at("2025-04-02T00:00:00Z"))).toBe(false);
    expect(inContract({ ...c, status: "suspended" }, at("2025-04-01T00:00:00Z"))).toBe(false);
    expect(inContract({ ...c, deletion_schedule: null }, at("2030-01-01T00:00:00Z"))).toBe(true);
  });
});
