// DEV-3: a value for a parameter, checked against the type and writability the device
// reported, as the server checks it (devices/parameter_value.h) — so that `abc` for an
// unsignedInt is caught in the form, not by the device days later. A type the device has not
// reported ("") is not checked: the server queues such a value and the device decides.
import { message } from "../i18n";

const INTEGER_RANGES: Record<string, [bigint, bigint]> = {
  int: [-(2n ** 31n), 2n ** 31n - 1n],
  unsignedInt: [0n, 2n ** 32n - 1n],
  long: [-(2n ** 63n), 2n ** 63n - 1n],
  unsignedLong: [0n, 2n ** 64n - 1n],
};

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

function isInteger(type: string, value: string): boolean {
  const range = INTEGER_RANGES[type];
  if (!range || !/^[+-]?\d+$/.test(value)) return false;
  const n = BigInt(value);
  if (type.startsWith("unsigned") && value.startsWith("-") && n !== 0n) return false;
  return n >= range[0] && n <= range[1];
}

function isDateTime(value: string): boolean {
  const m = DATE_TIME.exec(value);
  if (!m) return false;
  const n = (i: number) => Number(m[i] ?? "");
  return n(2) >= 1 && n(2) <= 12 && n(3) >= 1 && n(3) <= 31 && n(4) <= 24 && n(5) <= 59 && n(6) <= 60;
}

// Whether `value` is a valid lexical form of the xsd type (its local name, "unsignedInt").
export function isValidXsdValue(type: string, value: string): boolean {
  if (type in INTEGER_RANGES) return isInteger(type, value);
  switch (type) {
    case "boolean":
      return ["0", "1", "true", "false"].includes(value);
    case "dateTime":
      return isDateTime(value);
    case "base64":
    case "base64Binary":
      return value.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(value);
    case "hexBinary":
      return value.length % 2 === 0 && /^[0-9A-Fa-f]*$/.test(value);
    default:
      return true;
  }
}

// The translation key of what the type expects, for the form's message.
export function expectedValueKey(type: string): string {
  switch (type) {
    case "int":
    case "long":
      return message("parameterValue.integer");
    case "unsignedInt":
    case "unsignedLong":
      return message("parameterValue.unsigned");
    case "boolean":
      return message("parameterValue.boolean");
    case "dateTime":
      return message("parameterValue.dateTime");
    case "hexBinary":
      return message("parameterValue.hexBinary");
    default:
      return message("parameterValue.base64");
  }
}

// The message key for a value refused for the parameter as reported; null when it may be sent.
export function parameterValueProblem(param: { type: string; writable: boolean | null }, value: string): string | null {
  if (param.writable === false) return message("parameterValue.notWritable");
  if (!isValidXsdValue(param.type, value)) return expectedValueKey(param.type);
  return null;
}
