import type { TaskInfo } from '../../../preload/contract.ts';
import { bridge } from '../lib/bridge.ts';

/**
 * The dataset scans the service knows about, kept current from `task.progress` events; the list
 * is loaded once on start so a reloaded page still shows a scan that is running.
 */
class TaskTracker {
  #tasks = $state.raw<TaskInfo[]>([]);

  constructor() {
    bridge.events['task.progress']((info) => this.#put(info));
    bridge.request['tasks.list']({}).then(
      (list) => {
        for (const info of list) this.#put(info);
      },
      () => {},
    );
  }

  get all(): TaskInfo[] {
    return this.#tasks;
  }

  get running(): TaskInfo[] {
    return this.#tasks.filter((t) => t.status === 'running');
  }

  get(taskId: string | null | undefined): TaskInfo | undefined {
    return taskId ? this.#tasks.find((t) => t.taskId === taskId) : undefined;
  }

  /** Records a task a request just started (its first event may have arrived already). */
  started(info: TaskInfo): void {
    if (!this.get(info.taskId)) this.#put(info);
  }

  #put(info: TaskInfo): void {
    const old = this.get(info.taskId);
    // Events can overtake a request's answer; a finished task never goes back to running.
    if (old && old.status !== 'running') return;
    this.#tasks = old ? this.#tasks.map((t) => (t.taskId === info.taskId ? info : t)) : [...this.#tasks, info];
  }
}

export const tasks = new TaskTracker();
