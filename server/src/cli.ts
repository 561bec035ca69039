// Entry point of the `ems-config` command (and of its child processes, for large fleets).
import { main } from './cli/main';
import { childMain, isPoolChild } from './cli/pool';

if (isPoolChild()) {
  childMain();
} else {
  main(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTTY: process.stdout.isTTY === true,
  }, __filename).then((code) => { process.exitCode = code; }, (error: unknown) => {
    process.stderr.write(`ems-config: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  });
}
