import { clearDraft, clearDrafts, draftKey, hasDraft, keepable, loadDraft, noteSessionEnded, noteSessionStarted, saveDraft, sessionHasEnded } from "./drafts";

describe("form drafts (issue 18)", () => {
  beforeEach(() => sessionStorage.clear());

  it("never keeps a password, a secret, a token or a code of the authenticator app", () => {
    const values = {
      login: "sato",
      name: "佐藤 花子",
      password: "Secret-Passw0rd!",
      new_password: "x",
      secret: "whsec",
      token: "t",
      totp: "123456",
      recovery: "abcd",
      roles: ["r1"],
      enabled: true,
    };
    expect(keepable(values)).toEqual({ login: "sato", name: "佐藤 花子", roles: ["r1"], enabled: true });
    expect(keepable({ note: "x", url: "https://example.jp" }, ["url"])).toEqual({ note: "x" });
  });

  it("drops initial parameters that set a secret, keeps the rest", () => {
    const parameters = ["Device.Time.NTPServer1=ntp.example.jp", "Device.WiFi.AccessPoint.1.Security.KeyPassphrase=hunter22", "Device.Users.User.1.Password = x", "Device.X.PreSharedKey=abc"].join("\n");
    expect(keepable({ parameters })).toEqual({ parameters: "Device.Time.NTPServer1=ntp.example.jp" });
  });

  it("keeps a draft per account and form, and clears them", () => {
    const mine = draftKey("a1", "accounts.create");
    const theirs = draftKey("a2", "accounts.create");
    saveDraft(mine, { name: "佐藤", password: "p" });
    saveDraft(theirs, { name: "鈴木" });
    expect(loadDraft(mine)).toEqual({ name: "佐藤" });
    expect(hasDraft(mine)).toBe(true);
    clearDrafts("a1");
    expect(hasDraft(theirs)).toBe(false);
    expect(hasDraft(mine)).toBe(true);
    clearDraft(mine);
    expect(hasDraft(mine)).toBe(false);
    saveDraft(mine, { name: "x" });
    clearDrafts();
    expect(hasDraft(mine)).toBe(false);
    sessionStorage.setItem(mine, "not json");
    expect(loadDraft(mine)).toBeNull();
  });

  it("knows whether the session ended", () => {
    noteSessionEnded();
    expect(sessionHasEnded()).toBe(true);
    noteSessionStarted();
    expect(sessionHasEnded()).toBe(false);
  });
});
