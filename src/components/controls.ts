/**
 * Filter controls for the pages, styled by style.css (Framework's Inputs styles are not bundled
 * for node-imported packages). Each is an input for view(): `const shop = view(select(...))`.
 */
import {asInput, el} from "./dom.js";

/** The "all" choice of a filter; compared by identity, so that NULL stays an ordinary value. */
export const ALL: unique symbol = Symbol("全部");
export type Choice<T> = T | typeof ALL;

export interface SelectOptions<T> {
  label: string;
  /** Shown for each value; NULL values default to “未知”. */
  format?: (value: T) => string;
  /** Put “全部” (ALL) first. */
  all?: boolean;
  value?: Choice<T>;
  /** data-filter attribute, for tests and styling. */
  name?: string;
}

export function select<T>(values: readonly T[], options: SelectOptions<T>): HTMLElement & {value: Choice<T>} {
  const choices: Choice<T>[] = options.all ? [ALL, ...values] : [...values];
  const format = (choice: Choice<T>) =>
    choice === ALL
      ? "全部"
      : options.format
        ? options.format(choice)
        : choice == null
          ? "未知"
          : String(choice);
  const id = `rs-${options.name ?? "select"}-${Math.random().toString(36).slice(2, 8)}`;
  const control = el("select", {id});
  choices.forEach((choice, index) => control.append(el("option", {value: index}, format(choice))));
  const initial = options.value === undefined ? 0 : choices.indexOf(options.value);
  control.selectedIndex = initial < 0 ? 0 : initial;
  const wrapper = el(
    "div",
    {class: "rs-input", "data-filter": options.name},
    el("label", {for: id}, options.label),
    control,
  );
  return asInput(
    wrapper,
    // No choices: null, not undefined (view() waits for a value that is not undefined).
    () => (control.selectedIndex < 0 ? null : choices[control.selectedIndex]) as Choice<T>,
    (value) => {
      const index = choices.indexOf(value);
      if (index >= 0) control.selectedIndex = index;
    },
  );
}
