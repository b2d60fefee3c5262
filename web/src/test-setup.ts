// Vitest: a fresh localStorage per test.
beforeEach(() => {
  localStorage.clear();
});
