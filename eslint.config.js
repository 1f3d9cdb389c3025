import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "dist/",
      "src/.observablehq/",
      "data/",
      "bench/out/",
      // A build in progress (or interrupted) next to dist/: see src/pipelines/site/build.ts.
      ".dist.partial-*/",
      ".dist.previous-*/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {process: "readonly", console: "readonly", Buffer: "readonly", URL: "readonly"},
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", {argsIgnorePattern: "^_", varsIgnorePattern: "^_"}],
    },
  },
);
