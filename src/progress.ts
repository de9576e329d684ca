// A one-line progress indicator for long stages, only when stderr is a terminal (never in logs or CI).
export interface Progress {
  stop(): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function startProgress(label: string, enabled = Boolean(process.stderr.isTTY)): Progress {
  if (!enabled) return { stop() {} };
  const started = Date.now();
  let i = 0;
  const draw = () => {
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    process.stderr.write(`\r${FRAMES[i++ % FRAMES.length]} ${label} ${secs}s\u001b[K`);
  };
  draw();
  const timer = setInterval(draw, 100);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      process.stderr.write('\r\u001b[K');
    },
  };
}
