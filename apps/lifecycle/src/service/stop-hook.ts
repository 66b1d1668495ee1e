import { LifecycleStopPoint } from '@pa/config';

/** Where the test hook kills the process: SIGKILL, as an operator's `kill -9` or an OOM kill would. */
export function stopHook(stopAt: LifecycleStopPoint | undefined): (point: LifecycleStopPoint) => void {
  return (point) => {
    if (point === stopAt) process.kill(process.pid, 'SIGKILL');
  };
}
