// A parameter's path ("Device.WiFi.AccessPoint.1.Security.KeyPassphrase") that may break after
// each dot (a <wbr>), so a long name wraps at its segments instead of widening its table or
// breaking in the middle of a word.
import { Fragment } from "react";

export function BreakAtDots({ text }: { text: string }) {
  const parts = text.split(".");
  return (
    <>
      {parts.map((part, i) => (
        <Fragment key={i}>
          {part}
          {i < parts.length - 1 ? (
            <>
              .<wbr />
            </>
          ) : null}
        </Fragment>
      ))}
    </>
  );
}
