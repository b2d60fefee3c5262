// ESLint for the console: `npm run lint` (warnings fail it too).
// TypeScript rules with type information (typescript-eslint), the React hooks rules, and plain
// JavaScript rules for the end-to-end scripts (Node).
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "test-results/", "src/api/schema.d.ts"] },
  {
    files: ["src/**/*.{ts,tsx}", "vite.config.ts"],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: globals.browser,
    },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // Says which components the React Compiler would skip (TanStack Table, react-hook-form's
      // watch); the console is not built with the compiler.
      "react-hooks/incompatible-library": "off",
    },
  },
  {
    files: ["e2e/**/*.mjs", "eslint.config.js"],
    extends: [js.configs.recommended],
    // Node, and the browser for the functions page.evaluate runs there.
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
