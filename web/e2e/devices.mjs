// Device steps of the browser tests: they need the device API (issue 4) and `kanri sim`.
export async function deviceSteps({ skip }) {
  skip("devices", "not written yet");
}
