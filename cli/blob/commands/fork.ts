/** `blob fork PREFIX NEW_PREFIX`: a restore into another prefix (commands/workspace-restore.ts). */
export { fork } from './workspace-restore';
