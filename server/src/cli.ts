// Entry point of the `ems-config` command.
import { main } from './cli/main';

main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTTY: process.stdout.isTTY === true,
}).then((code) => { process.exitCode = code; }, (error: unknown) => {
  process.stderr.write(`ems-config: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
});
