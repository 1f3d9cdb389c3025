import {Option, type Command} from "commander";

/** The options every command takes: where the warehouse, the inbox and the config file are. */
export function withGlobals(command: Command): Command {
  return command
    .addOption(
      new Option("--warehouse <file>", "DuckDB warehouse file (default ./data/warehouse.duckdb)").env(
        "RETURNSCOPE_WAREHOUSE",
      ),
    )
    .addOption(
      new Option(
        "--inbox <dir>",
        "inbox folder; files in <inbox>/<shop>/ belong to that shop (default ./data/inbox)",
      ).env("RETURNSCOPE_INBOX"),
    )
    .addOption(
      new Option("--config <file>", "config file (default ./returnscope.config.json)").env(
        "RETURNSCOPE_CONFIG",
      ),
    );
}
