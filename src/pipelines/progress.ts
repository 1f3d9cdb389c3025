/** A one-line progress bar on a terminal's stderr; silent elsewhere (pipes, CI, --json). */
export interface Progress {
  update(label: string, phase: string, fraction: number | null): void;
  done(): void;
}

export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return {update() {}, done() {}};
  let shown = false;
  let last = 0;
  return {
    update(label, phase, fraction) {
      const now = Date.now();
      if (now - last < 100 && fraction !== null) return;
      last = now;
      const width = 24;
      const bar =
        fraction === null
          ? "".padEnd(width, "·")
          : "█".repeat(Math.round(fraction * width)).padEnd(width, "·");
      const percent = fraction === null ? "    " : `${Math.round(fraction * 100)}%`.padStart(4);
      const columns = stream.columns ?? 80;
      const line = `${bar} ${percent} ${phase.padEnd(10)} ${label}`.slice(0, columns - 1);
      stream.write(`\r\x1b[2K${line}`);
      shown = true;
    },
    done() {
      if (shown) stream.write("\r\x1b[2K");
      shown = false;
    },
  };
}
