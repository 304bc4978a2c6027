import { readdirSync, readFileSync } from 'node:fs';
import type { LocalStack } from './stack';

/**
 * Freezing the emulator (SIGSTOP, then SIGCONT) is the closest honest stand-in for "AWS became
 * unreachable mid-batch and came back": moto keeps its in-memory state, every in-flight and new
 * request hangs, and all of them complete once it resumes. Killing moto instead would lose that
 * state (it has no persistence), so a "restart" could only ever verify an empty copy.
 */

/** The moto process serving the stack's port, found in /proc (LocalStack does not expose the emulator's pid). */
export function emulatorPid(stack: Pick<LocalStack, 'port'>): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (argv.some((a) => a.endsWith('moto_launcher.py')) && argv[argv.indexOf('-p') + 1] === String(stack.port)) return Number(entry);
  }
  throw new Error(`no moto_launcher.py process serves port ${stack.port}; is the local stack running?`);
}

/** Freezes the emulator for `ms` milliseconds; it always resumes, even if the wait is interrupted. */
export async function freezeEmulator(stack: Pick<LocalStack, 'port'>, ms: number): Promise<void> {
  const pid = emulatorPid(stack);
  process.kill(pid, 'SIGSTOP');
  try {
    await new Promise((r) => setTimeout(r, ms));
  } finally {
    process.kill(pid, 'SIGCONT');
  }
}
